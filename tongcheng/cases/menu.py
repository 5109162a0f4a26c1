"""The cases' menu entries."""

from django.utils.translation import gettext_lazy as _

from tongcheng.lib.contributions import MenuEntry

MENU = [
    MenuEntry("cases:inbox", _("Inbox"), 15),
    MenuEntry("cases:case_list", _("Cases"), 30),
]
