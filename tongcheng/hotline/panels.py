"""The hotline's home-page panel: the follow-up calls due today, and the callers to tell an
approved new deadline."""

from django.utils.translation import gettext_lazy as _

from tongcheng.hotline.selectors import callers_to_tell, follow_ups_due
from tongcheng.lib.contributions import Panel, Todo, TodoLine
from tongcheng.org.contributions import line_todos

LINES = [
    TodoLine("hotline:follow_up_queue", _("Follow-up calls due today"), follow_ups_due),
    TodoLine(
        "hotline:follow_up_queue", _("Callers to tell a new deadline"), callers_to_tell, "#tell"
    ),
]


def todos(user: object) -> list[Todo]:
    return line_todos(user, LINES)


PANELS = [Panel("hotline", _("Service line"), todos, order=25)]
