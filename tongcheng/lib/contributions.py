"""What an app contributes to the shell, declared in the app itself and collected by org.

An app lists its policy entries in `<app>/policy.py` (`POLICY`), its menu entries in
`<app>/menu.py` (`MENU`), its home-page to-dos in `<app>/panels.py` (`PANELS`), what it adds to
a person's file page in `<app>/filesections.py` (`FILE_SECTIONS`), the work the task worker
repeats for it in `<app>/jobs.py` (`JOBS`) and its API router in `<app>/api.py` (`router`);
`tongcheng.org.contributions` finds them through Django's app registry. The types live here,
at the bottom layer, so that every app (audit included) can declare its own without importing
org.

A policy entry is either PUBLIC (no login) or an `Access`: the roles allowed and, for each, the
scope the view's access helper applies (the helper enforces the scope: out of scope → 404).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tongcheng.lib.roles import ALL_ROLES, READ_ONLY_ROLES, Role

if TYPE_CHECKING:
    from django.utils.functional import Promise


class Scope(StrEnum):
    AREA = "area"  # the subtree of the membership's area
    DEPARTMENT = "department"  # records dispatched to the membership's department
    SELF = "self"  # the account's own records
    AGGREGATE = "aggregate"  # counts only, small cells suppressed
    CITY = "city"  # the whole system (administrators)


@dataclass(frozen=True)
class Public:
    """No login needed (login page, health checks, language switch, the API schema)."""

    pending_two_factor: bool = True  # usable while a login waits for its second factor


@dataclass(frozen=True)
class Access:
    roles: dict[Role, Scope]
    write: bool = False
    # Usable before a required two-factor enrolment is finished (enrolment itself, logout).
    during_enrolment: bool = False
    api: bool = False
    # Free text for the policy document (docs/roles.md is generated from the table).
    note: str = field(default="")
    # The page or operation shows personal data of residents: every GET of it writes exactly one
    # audit event (tongcheng/tests/test_audit_once.py walks every such entry and checks it).
    personal: bool = False
    # An API operation that takes a file (multipart): the setting that holds its limit in MB,
    # which the request guard allows beside the body's other fields ("" takes no file).
    upload_limit: str = ""

    def __post_init__(self) -> None:
        if self.write and set(self.roles) & READ_ONLY_ROLES:
            raise ValueError("a read-only role cannot be given a write operation")


PUBLIC = Public()
PolicyEntries = dict[str, Public | Access]


def everyone(
    scope: Scope = Scope.AREA, *, write: bool = False, during_enrolment: bool = False,
    api: bool = False, note: str = "", personal: bool = False,
) -> Access:  # fmt: skip
    return Access(dict.fromkeys(ALL_ROLES, scope), write, during_enrolment, api, note, personal)


def only(
    *roles: Role, scope: Scope = Scope.AREA, write: bool = False, during_enrolment: bool = False,
    api: bool = False, note: str = "", personal: bool = False,
) -> Access:  # fmt: skip
    return Access(dict.fromkeys(roles, scope), write, during_enrolment, api, note, personal)


@dataclass(frozen=True)
class MenuEntry:
    """A link of the navigation, shown to the roles the URL's policy entry allows.

    `order` places it among every app's entries (lower first); `group` "main" is the top bar,
    another group a row of tools on that group's pages (the ledger's tools: "ledger").
    """

    url_name: str
    label: str | Promise
    order: int
    group: str = "main"


@dataclass(frozen=True)
class Todo:
    """One line of a home-page panel: a count of things waiting for the user, and where."""

    label: str | Promise
    count: int
    url: str
    # The count stopped at this many (shown "N+"): a panel never counts a whole city.
    capped: bool = False

    @property
    def shown(self) -> str:
        return f"{self.count}+" if self.capped else str(self.count)


# A to-do line counts at most this many rows (shown "1000+"): a panel never counts a whole city.
TODO_CAP = 1000


@dataclass(frozen=True)
class TodoLine:
    """A panel line as an app declares it: the page it links to and what waits there.

    `waiting(user)` gives the queryset counted (with the roles the page acts through);
    `query` is added to the page's URL; `roles`, when given, narrows the line to those roles
    among the ones the page's policy allows.
    """

    url_name: str
    label: str | Promise
    waiting: Callable[[Any], Any]
    query: str = ""
    roles: frozenset[Role] | None = None


@dataclass(frozen=True)
class Panel:
    """A home-page panel: a title and a function giving the acting user's to-dos.

    `todos(user)` returns the lines (empty: the panel is not shown). It runs on every home page
    view, so each line is one bounded query.
    """

    key: str
    title: str | Promise
    todos: Callable[[Any], list[Todo]]
    order: int = 100


@dataclass(frozen=True)
class FileItem:
    """A line or a button of a file section: its words and where it leads."""

    text: str | Promise
    url: str
    note: str | Promise = ""


@dataclass(frozen=True)
class FileSectionContent:
    title: str | Promise
    items: list[FileItem]
    actions: list[FileItem] = field(default_factory=list)
    empty: str | Promise = ""


@dataclass(frozen=True)
class FileSection:
    """What an app above the ledger shows on a person's file page (its cases, its contacts …).

    `content(user, person)` returns the section for this user (None: not shown). It runs on
    every view of a file, so it reads one bounded query; the file page's own audit event
    covers what it shows.
    """

    key: str
    content: Callable[[Any, Any], FileSectionContent | None]
    order: int = 100


@dataclass(frozen=True)
class RecurringJob:
    """Work the task worker repeats every `every` (an app's `jobs.py`, `JOBS`).

    `run()` does one round and returns a short summary for the log (counts, never personal
    values). It must be safe to run twice, or late: a round that overran or a worker that
    restarted runs it again. `name` is unique in the product ("cases.sweep").
    """

    name: str
    every: timedelta
    run: Callable[[], object]
