"""Words for the notifications' audit action codes."""

from django.utils.translation import gettext_lazy as _

NOTIFY_ACTION_LABELS = {
    "notify.preferences": _("Changed their notification settings"),
}
