"""The navigation: each role sees the entries the policy lets it open, nothing more."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from tongcheng.org.policy import allowed_roles

# (URL name, label). Order is the order of the menu. Later apps add their entries here.
NAVIGATION = [
    ("home", _("Home")),
    ("registry:person_list", _("Ledger")),
    ("registry:visits_due", _("Visits due")),
    ("registry:transfer_list", _("Transfers")),
    ("registry:stats", _("Statistics")),
    ("org:area_list", _("Areas")),
    ("org:department_list", _("Member units")),
    ("org:leading_group", _("Leading group")),
    ("org:user_list", _("Accounts")),
    ("audit:event_list", _("Audit trail")),
]


# The ledger's tools, shown as a second row on the ledger pages.
LEDGER_TOOLS = [
    ("registry:person_list", _("Files")),
    ("registry:completeness", _("Completeness")),
    ("registry:duplicate_list", _("Possible duplicates")),
    ("registry:import_list", _("Import")),
    ("registry:export", _("Export")),
]


def menu_for(
    request: HttpRequest, entries: Sequence[tuple[str, object]] = NAVIGATION
) -> list[dict[str, object]]:
    user = request.user
    if not user.is_authenticated:
        return []
    roles = user.held_roles()
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for name, label in entries:
        if roles & allowed_roles(name):
            # org:area_detail lights up "org:area_list": same namespace and object.
            active = current == name or (
                name != "home" and current.rsplit("_", 1)[0] == name.rsplit("_", 1)[0]
            )
            items.append({"url": reverse(name), "label": label, "active": active})
    return items


def navigation(request: HttpRequest) -> dict[str, object]:
    return {
        "nav_items": SimpleLazyObject(lambda: menu_for(request)),
        "ledger_tools": SimpleLazyObject(lambda: menu_for(request, LEDGER_TOOLS)),
    }
