from django.apps import AppConfig
from django.utils.module_loading import import_string

from tongcheng.audit.labels import register_action_labels
from tongcheng.meetings.labels import MEETING_ACTION_LABELS, MEETING_OBJECT_LABELS
from tongcheng.notify.kinds import register_kinds


class MeetingsConfig(AppConfig):
    name = "tongcheng.meetings"
    label = "meetings"

    def ready(self) -> None:
        register_action_labels(MEETING_ACTION_LABELS, MEETING_OBJECT_LABELS)
        # By dotted path: the models are ready only now, after this module was imported.
        register_kinds(import_string("tongcheng.meetings.notices.KINDS"))
        calendar_changed = import_string("tongcheng.org.workcalendar.calendar_changed")
        calendar_changed.connect(
            import_string("tongcheng.meetings.actions.deadlines.recompute_provisional"),
            dispatch_uid="meetings.recompute_provisional",
            weak=False,
        )
