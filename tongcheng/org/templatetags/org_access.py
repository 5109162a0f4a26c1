"""`may_open` for templates: offer a button only to roles the policy lets through.

The decision is the policy table's (org.contributions.may_open), the same one the menu and the
access middleware use, so a page never offers a link that ends in a 403 for the viewer's roles.
"""

from __future__ import annotations

from typing import Any

from django import template

from tongcheng.org.contributions import may_open as policy_may_open

register = template.Library()


@register.filter
def may_open(user: Any, view_name: str) -> bool:
    """`{% if user|may_open:"registry:visit_create" %}`; anonymous users may open nothing."""
    if not getattr(user, "is_authenticated", False):
        return False
    return policy_may_open(user, view_name)
