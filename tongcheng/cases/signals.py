"""What the cases tell the apps above them, which they cannot import.

`case_stepped` is sent inside a move's transaction, after its history row (`record_step`): a
receiver that writes (the hotline's outbox to the platform) writes with the step or not at all.
Arguments: `case`, `move` (the Move or code), `from_state`.
"""

from django.dispatch import Signal

case_stepped = Signal()
