"""The meetings' writes: meetings (meetings.py), action items (items.py), their deadlines
(deadlines.py) and the 催办 sweep (sweep.py). Each is atomic, takes the row's lock where two
people may act at once, and writes its audit event."""
