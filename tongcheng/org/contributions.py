"""Collects what every app contributes to the shell, through Django's app registry.

Each app of the product (an installed app under `tongcheng.`) may declare, in its own package:
`policy.py` → `POLICY` (URL name → PUBLIC or Access), `menu.py` → `MENU` (MenuEntry list),
`panels.py` → `PANELS` (Panel list), `filesections.py` → `FILE_SECTIONS` (FileSection list),
`jobs.py` → `JOBS` (RecurringJob list) and `api.py` → `router` (a ninja Router). Org reads them
here, by module name, so that adding an app edits no other app's files and org imports no app
above it. The types are in tongcheng.lib.contributions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import module_has_submodule

from tongcheng.lib.contributions import (
    TODO_CAP,
    Access,
    FileSection,
    MenuEntry,
    Panel,
    PolicyEntries,
    Public,
    RecurringJob,
    Todo,
    TodoLine,
)
from tongcheng.lib.roles import Role

PACKAGE = "tongcheng."


def app_modules(name: str) -> list[tuple[str, ModuleType]]:
    """(app label, module) of each product app that has a module `name` (INSTALLED_APPS order)."""
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith(PACKAGE) and module_has_submodule(config.module, name):
            found.append((config.label, import_module(f"{config.name}.{name}")))
    return found


def _declared(name: str, attribute: str) -> list[tuple[str, Any]]:
    return [(label, getattr(module, attribute)) for label, module in app_modules(name)]


@cache
def policy_table() -> PolicyEntries:
    """Every app's policy entries in one table; a URL name declared twice is an error."""
    table: PolicyEntries = {}
    for label, entries in _declared("policy", "POLICY"):
        twice = sorted(set(table) & set(entries))
        if twice:
            raise ValueError(f"policy entries declared twice (again by {label}): {twice}")
        table.update(entries)
    return table


def entry_for(view_name: str | None) -> Public | Access | None:
    if not view_name:
        return None
    return policy_table().get(view_name)


def allowed_roles(view_name: str) -> frozenset[Role]:
    entry = policy_table().get(view_name)
    if isinstance(entry, Access):
        return frozenset(entry.roles)
    return frozenset()


def may_open(user: Any, view_name: str) -> bool:
    """Whether one of the roles the user holds may open `view_name` (to offer a link to it)."""
    return bool(user.held_roles() & allowed_roles(view_name))


@contextlib.contextmanager
def acting_for(user: Any, view_name: str) -> Iterator[None]:
    """Inside, the user acts through the roles `view_name` allows, as the page itself would
    (the access policy narrows every request so): a count shown on one page for another page
    then counts what that page shows."""
    before = getattr(user, "_acting_roles", None)
    user.act_as(user.held_roles() & allowed_roles(view_name))
    try:
        yield
    finally:
        user._acting_roles = before


@cache
def menu_entries(group: str = "main") -> tuple[MenuEntry, ...]:
    """The menu entries of one group, from every app, in their declared order."""
    entries = [e for _label, menu in _declared("menu", "MENU") for e in menu if e.group == group]
    return tuple(sorted(entries, key=lambda e: (e.order, e.url_name)))


@cache
def panels() -> tuple[Panel, ...]:
    """Every app's home-page panels, in their declared order."""
    found = [panel for _label, declared in _declared("panels", "PANELS") for panel in declared]
    return tuple(sorted(found, key=lambda p: (p.order, p.key)))


@cache
def file_sections() -> tuple[FileSection, ...]:
    """Every app's sections of a person's file page, in their declared order."""
    found = [s for _label, declared in _declared("filesections", "FILE_SECTIONS") for s in declared]
    return tuple(sorted(found, key=lambda s: (s.order, s.key)))


def line_todos(user: Any, lines: list[TodoLine]) -> list[Todo]:
    """The to-dos of a panel's lines: each one bounded count (at most TODO_CAP + 1 rows).

    A line is counted with the roles its page acts through (acting_for), so it counts what the
    page lists; a role that may not open the page (or that the line leaves out) gets no line,
    and a zero is shown too.
    """
    todos = []
    for line in lines:
        if not may_open(user, line.url_name):
            continue
        if line.roles is not None and not user.held_roles() & line.roles:
            continue
        with acting_for(user, line.url_name):
            rows = line.waiting(user).order_by().values("pk")[: TODO_CAP + 1].count()
        url = reverse(line.url_name) + line.query
        todos.append(Todo(line.label, min(rows, TODO_CAP), url, capped=rows > TODO_CAP))
    return todos


@cache
def recurring_jobs() -> dict[str, RecurringJob]:
    """Every app's recurring jobs by name; a name declared twice is an error."""
    jobs: dict[str, RecurringJob] = {}
    for label, declared in _declared("jobs", "JOBS"):
        for job in declared:
            if job.name in jobs:
                raise ValueError(f"recurring job {job.name!r} declared twice (again by {label})")
            jobs[job.name] = job
    return jobs


def api_routers() -> list[tuple[str, Any]]:
    """(app label, ninja Router) of every app with an API."""
    return _declared("api", "router")
