"""The hotline's menu entries."""

from django.utils.translation import gettext_lazy as _

from tongcheng.lib.contributions import MenuEntry

MENU = [
    MenuEntry("hotline:console", _("Hotline console"), 12),
    MenuEntry("hotline:follow_up_queue", _("Follow-up calls"), 32),
    MenuEntry("hotline:article_list", _("Knowledge base"), 34),
]
