"""Words for the meetings' audit action codes and object types."""

from django.utils.translation import gettext_lazy as _

MEETING_ACTION_LABELS = {
    "meeting.create": _("Convened a joint meeting"),
    "meeting.minutes": _("Wrote the minutes of a joint meeting"),
    "meeting.issue": _("Issued the minutes of a joint meeting"),
    "meeting.attendance": _("Recorded the attendance of a joint meeting"),
    "meeting.answer": _("Answered an invitation to a joint meeting"),
    "meeting.report": _("Saved a unit's work report for a joint meeting"),
    "meeting.document": _("Downloaded a joint meeting's notice or minutes"),
    "meeting.setting": _("Set an office's meeting cadence"),
    "action_item.create": _("Assigned an action item of a joint meeting"),
    "action_item.progress": _("Reported progress on an action item"),
    "action_item.done": _("Reported an action item done"),
    "action_item.urge": _("Chased an overdue action item (催办)"),
    "action_item.supervise": _("Put an action item under supervision (督办)"),
    "action_item.deadlines_recomputed": _("Recomputed provisional action-item deadlines"),
}
MEETING_OBJECT_LABELS = {
    "meeting": _("joint meeting"),
    "action_item": _("action item"),
    "meeting_setting": _("meeting setting"),
}
