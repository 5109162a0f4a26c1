"""Helpers shared by the org pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from tongcheng.org.access import may_write
from tongcheng.org.contributions import allowed_roles
from tongcheng.org.models import Area, User


def user_of(request: HttpRequest) -> User:
    # The policy middleware lets no anonymous request reach these views.
    return cast(User, request.user)


def may_offer(user: User, view_name: str, area: Area | None = None) -> bool:
    """Whether to offer a link or form to `view_name` (the view itself checks again)."""
    roles = user.held_roles() & allowed_roles(view_name)
    if not roles:
        return False
    if area is None:
        return True
    return may_write(user, area.code, roles)


def errors_text(form: forms.Form) -> str:
    """A form's errors as one message line (for POST-only actions that redirect back)."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def page_of(request: HttpRequest, items: QuerySet[Any], per_page: int) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))
