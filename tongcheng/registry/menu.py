"""The ledger's menu entries: the top bar, and the row of ledger tools on the ledger's pages."""

from django.utils.translation import gettext_lazy as _

from tongcheng.lib.contributions import MenuEntry

MENU = [
    MenuEntry("registry:person_list", _("Ledger"), 20),
    MenuEntry("registry:visits_due", _("Visits due"), 21),
    MenuEntry("registry:transfer_list", _("Transfers"), 22),
    MenuEntry("registry:stats", _("Statistics"), 23),
    MenuEntry("registry:person_list", _("Files"), 1, group="ledger"),
    MenuEntry("registry:completeness", _("Completeness"), 2, group="ledger"),
    MenuEntry("registry:duplicate_list", _("Possible duplicates"), 3, group="ledger"),
    MenuEntry("registry:import_list", _("Import"), 4, group="ledger"),
    MenuEntry("registry:export", _("Export"), 5, group="ledger"),
]
