"""Org's menu entries: home, areas, member units, the leading group, the calendar, accounts."""

from django.utils.translation import gettext_lazy as _

from tongcheng.lib.contributions import MenuEntry

MENU = [
    MenuEntry("home", _("Home"), 0),
    MenuEntry("org:area_list", _("Areas"), 50),
    MenuEntry("org:department_list", _("Member units"), 51),
    MenuEntry("org:leading_group", _("Leading group"), 52),
    MenuEntry("org:calendar_years", _("Working calendar"), 55),
    MenuEntry("org:user_list", _("Accounts"), 60),
]
