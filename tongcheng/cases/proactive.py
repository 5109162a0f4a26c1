"""未诉先办: the proactive lists of a community officer, each entry with why it is there.

Three lists, each read from the ledger or the cases within the officer's scope, one page at a
time (a page plus one row, then one query for the cases already open on the page's files):

- school-age children without a recorded school, ahead of each September (`lib.schoolage`'s
  31 August rule, for the coming 1 September);
- residence permits expiring within 30 days (`Person.permit_expiring`);
- hardship certifications expiring within 30 days and not followed by a later one.

Nothing here opens a case (each entry links to the case-create page of the file, with the
service chosen), and nothing scores or ranks people: the lists are in date and area order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongcheng.cases.models import Case
from tongcheng.cases.servicemodels import Certification
from tongcheng.lib.masking import birth_month
from tongcheng.lib.schoolage import COMPULSORY_YEARS, CUTOFF, ENTRY_AGE
from tongcheng.org.models import User
from tongcheng.registry.models import HouseholdMember, Person

PAGE_SIZE = 25
WITHIN_DAYS = 30
LISTS: dict[str, tuple[str | Promise, str]] = {
    # key → (title, the service the entry's case is opened for)
    "school": (gettext_lazy("School-age children without a school"), "school-enrolment"),
    "permit": (gettext_lazy("Residence permits expiring"), "residence-permit"),
    "certification": (
        gettext_lazy("Hardship certifications expiring"),
        "hardship-certification",
    ),
}


def coming_september(today: date) -> date:
    """The 1 September the school list looks ahead to (this year's until September ends)."""
    return date(today.year if today.month <= 9 else today.year + 1, 9, 1)


def school_age_births(on: date) -> tuple[date, date]:
    """The birth dates of the children of compulsory-school age on `on` (a 1 September).

    By the 31 August rule the grade on 1 September of year S is S − entry year + 1, and the
    entry year of a child born between 1 September of Y − 1 and 31 August of Y is Y + 6: so
    grades 1–9 are the children born from 1 September of S − 15 to 31 August of S − 6.
    """
    last_entry = on.year
    first_entry = on.year - COMPULSORY_YEARS + 1
    month, day = CUTOFF
    return (
        date(first_entry - ENTRY_AGE - 1, month, day) + timedelta(days=1),
        date(last_entry - ENTRY_AGE, month, day),
    )


@dataclass(frozen=True)
class Entry:
    person: Person
    reason: str
    key: str  # what the entry is about: "<list>:<row id>", unique on the page
    case_open: bool = False


@dataclass
class ProactivePage:
    key: str
    title: str | Promise
    service: str
    entries: list[Entry]
    number: int
    has_next: bool


def _school(user: User, today: date) -> QuerySet[HouseholdMember]:
    first, last = school_age_births(coming_september(today))
    return (
        HouseholdMember.objects.visible_to(user)
        .filter(
            relation=HouseholdMember.Relation.CHILD,
            school="",
            birth_date__gte=first,
            birth_date__lte=last,
            person__status=Person.Status.ACTIVE,
        )
        .select_related("person", "person__community")
        .order_by("person__area_code", "person_id", "birth_date", "pk")
    )


def _permits(user: User, today: date) -> QuerySet[Person]:
    return (
        Person.objects.visible_to(user)
        .active()
        .permit_expiring(WITHIN_DAYS, today)
        .select_related("community")
        .order_by("permit_expires_on", "pk")
    )


def _certifications(user: User, today: date) -> QuerySet[Certification]:
    later = Certification.objects.filter(
        person=OuterRef("person"), revoked_on__isnull=True, valid_until__gt=OuterRef("valid_until")
    )
    return (
        Certification.objects.visible_to(user)
        .filter(
            revoked_on__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=WITHIN_DAYS),
            person__status=Person.Status.ACTIVE,
        )
        .exclude(Exists(later))
        .select_related("person", "person__community")
        .order_by("valid_until", "pk")
    )


def _entry(key: str, row: object, today: date) -> Entry:
    if isinstance(row, HouseholdMember):
        reason = _(
            "Child %(name)s (born %(month)s) is of school age on 1 September %(year)s; "
            "no school is recorded."
        ) % {
            "name": row.name,
            "month": birth_month(row.birth_date),
            "year": coming_september(today).year,
        }
        return Entry(row.person, reason, f"{key}:{row.pk}")
    if isinstance(row, Certification):
        days = (row.valid_until - today).days
        reason = _("The hardship certification %(serial)s ends on %(day)s (in %(days)s days).") % {
            "serial": row.serial,
            "day": row.valid_until.isoformat(),
            "days": days,
        }
        return Entry(row.person, reason, f"{key}:{row.pk}")
    assert isinstance(row, Person) and row.permit_expires_on is not None
    days = (row.permit_expires_on - today).days
    reason = _("The residence permit ends on %(day)s (in %(days)s days).") % {
        "day": row.permit_expires_on.isoformat(),
        "days": days,
    }
    return Entry(row, reason, f"{key}:{row.pk}")


def proactive_page(user: User, key: str, page: int, today: date | None = None) -> ProactivePage:
    """One page of one list (`key` in LISTS; an unknown key is the first list)."""
    day = today or timezone.localdate()
    key = key if key in LISTS else "school"
    rows_of = {"school": _school, "permit": _permits, "certification": _certifications}[key]
    start = (page - 1) * PAGE_SIZE
    rows = list(rows_of(user, day)[start : start + PAGE_SIZE + 1])
    title, service = LISTS[key]
    entries = [_entry(key, row, day) for row in rows[:PAGE_SIZE]]
    opened = set(
        Case.objects.visible_to(user)
        .open()
        .filter(person_id__in={e.person.pk for e in entries}, service__code=service)
        .values_list("person_id", flat=True)
    ) if entries else set()  # fmt: skip
    entries = [Entry(e.person, e.reason, e.key, case_open=e.person.pk in opened) for e in entries]
    return ProactivePage(key, title, service, entries, page, len(rows) > PAGE_SIZE)
