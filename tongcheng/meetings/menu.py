"""The meetings' menu entries: the liaison's page sits next to the case inbox."""

from django.utils.translation import gettext_lazy as _

from tongcheng.lib.contributions import MenuEntry

MENU = [
    MenuEntry("meetings:mine", _("Joint meetings"), 16),
    MenuEntry("meetings:meeting_list", _("Joint meetings"), 40),
    MenuEntry("meetings:item_list", _("Action items"), 41),
    MenuEntry("meetings:compliance", _("Action-item compliance"), 42),
]
