"""The engagement's menu entries."""

from django.utils.translation import gettext_lazy as _

from tongcheng.lib.contributions import MenuEntry

MENU = [
    MenuEntry("engagement:due_list", _("Talks due"), 40),
    MenuEntry("engagement:representative_list", _("Representatives"), 41),
    MenuEntry("engagement:compliance", _("三必谈 compliance"), 42),
    MenuEntry("engagement:festival_list", _("Festival dates"), 43),
    MenuEntry("engagement:my_appointment", _("My appointment"), 44),
]
