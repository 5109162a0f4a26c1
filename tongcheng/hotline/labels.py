"""Words for the hotline's audit action codes and object types."""

from django.utils.translation import gettext_lazy as _

HOTLINE_ACTION_LABELS = {
    "hotline.ticket_received": _("Received a ticket of the phone platform"),
    "hotline.ticket": _("Opened the case of a phone platform ticket"),
    "hotline.ticket_refused": _("Could not open the case of a phone platform ticket"),
    "hotline.platform": _("Registered a phone platform"),
    "hotline.call": _("Recorded a call event of the phone platform"),
    "hotline.webhook_refused": _("Refused a request to the platform webhook"),
    "hotline.console": _("Opened the hotline console"),
    "hotline.lookup": _("Looked up a caller's number on the console"),
    "hotline.track": _("Looked up a case's progress (public page)"),
    "hotline.article_save": _("Saved a knowledge-base entry"),
    "hotline.follow_up_queue": _("Opened the follow-up queue"),
}
HOTLINE_OBJECT_LABELS = {
    "platform": _("phone platform"),
    "ticket": _("platform ticket"),
    "call": _("call"),
    "article": _("knowledge-base entry"),
}
