"""The meetings' pages: meetings (meetings.py), action items and the figures (items.py), and
what both share (common.py)."""
