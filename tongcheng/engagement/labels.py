"""Words for the engagement's audit action codes and object types."""

from django.utils.translation import gettext_lazy as _

ENGAGEMENT_ACTION_LABELS = {
    "representative.create": _("Appointed a representative"),
    "representative.update": _("Changed a representative's appointment"),
    "representative.end": _("Ended a representative's appointment"),
    "representative.list": _("Listed representatives"),
    "representative.view": _("Opened a representative's appointment"),
    "representative.appoint_form": _("Opened the form appointing the person of a file"),
    "representative.edit_form": _("Opened the form changing an appointment"),
    "representative.letter": _("Printed a letter of appointment"),
    "contact.create": _("Recorded a talk with a representative"),
    "contact.delete": _("Deleted a talk with a representative"),
    "contact.list": _("Listed talks with representatives"),
    "contact.view": _("Opened a talk with a representative"),
    "contact.form": _("Opened the form recording a talk with a representative"),
    "engagement.due": _("Opened the representatives due for a talk"),
    "engagement.missed": _("Opened the missed talks"),
    "festival.save": _("Entered the festival dates of a year"),
}
ENGAGEMENT_OBJECT_LABELS = {
    "representative": _("representative"),
    "contact": _("talk with a representative"),
    "festival": _("festival dates"),
}
ENGAGEMENT_REASON_LABELS: dict[str, str] = {}
