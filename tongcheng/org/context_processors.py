"""The navigation: each role sees the entries the policy lets it open, nothing more.

The entries come from every app's `menu.py` (tongcheng.org.contributions): group "main" is the
top bar, group "ledger" the row of ledger tools on the ledger's pages.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from tongcheng.org.contributions import allowed_roles, menu_entries


def menu_for(request: HttpRequest, group: str = "main") -> list[dict[str, object]]:
    user = request.user
    if not user.is_authenticated:
        return []
    roles = user.held_roles()
    current = request.resolver_match.view_name if request.resolver_match else ""
    items: list[dict[str, object]] = []
    for entry in menu_entries(group):
        name = entry.url_name
        if roles & allowed_roles(name):
            # org:area_detail lights up "org:area_list": same namespace and object.
            active = current == name or (
                name != "home" and current.rsplit("_", 1)[0] == name.rsplit("_", 1)[0]
            )
            items.append({"url": reverse(name), "label": entry.label, "active": active})
    return items


def navigation(request: HttpRequest) -> dict[str, object]:
    return {
        "nav_items": SimpleLazyObject(lambda: menu_for(request)),
        "ledger_tools": SimpleLazyObject(lambda: menu_for(request, "ledger")),
    }
