"""The cases' menu entries."""

from django.utils.translation import gettext_lazy as _

from tongcheng.lib.contributions import MenuEntry

MENU = [
    MenuEntry("cases:desk", _("Dispatch desk"), 14),
    MenuEntry("cases:inbox", _("Inbox"), 15),
    MenuEntry("cases:case_list", _("Cases"), 30),
    MenuEntry("cases:proactive", _("Proactive service"), 31),
    MenuEntry("cases:relief_sums", _("Relief sums"), 32),
    MenuEntry("cases:volunteer_list", _("Legal-aid volunteers"), 33),
    MenuEntry("cases:certificate_verify", _("Check a certificate"), 34),
    MenuEntry("cases:kpi", _("Case KPIs"), 35),
    MenuEntry("cases:time_limits", _("Time limits"), 36),
    # Beside the working calendar (org, 55), where the missing years are entered.
    MenuEntry("cases:provisional", _("Provisional deadlines"), 56),
]
