"""The audit screen's menu entry."""

from django.utils.translation import gettext_lazy as _

from tongcheng.lib.contributions import MenuEntry

MENU = [MenuEntry("audit:event_list", _("Audit trail"), 90)]
