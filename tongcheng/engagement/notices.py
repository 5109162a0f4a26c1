"""The engagement's notifications: "due this week", once per representative and week.

The key names the representative and the week, so each officer hears of one due week once,
however often the job runs (notify's unique key); the slot's `announced` mark spares the job
from looking at it again. The text names the letter's serial number, never the person.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongcheng.notify.kinds import Kind
from tongcheng.notify.services import notify

KINDS = {
    "engagement.due": Kind(
        _("A representative is due for this week's talk"),
        _("Representative %(serial)s is due for a talk in the week of %(week)s"),
    ),
}


def announce_due(*, officer_id: int, rep_id: int, serial: str, week: str) -> None:
    notify(
        users=[officer_id], kind="engagement.due", key=f"engagement:due:{rep_id}:{week}",
        params={"serial": serial, "week": week}, url=reverse("engagement:due_list"),
    )  # fmt: skip
