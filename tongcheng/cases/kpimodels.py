"""The cases' KPI summary: integer counters per (month, district, member unit, service).

Every move bumps the counters of one row in the same transaction as the move
(`cases.kpi.counting`); the KPI dashboard sums these rows and never reads the cases. The
definitions (which moment counts a case into which month, what each counter holds) are in
docs/cases.md, "KPIs"; `cases.kpi.counting.kpi_recount` computes the same rows from the cases
themselves, which the tests and `manage.py rebuild_case_kpi` hold the summary to.

Three coarser rollups of the same counters are kept by the same additions, in the same moves:
`CaseKpiByUnit` (all services of a unit added up), `CaseKpiByService` (all units of a service
added up) and `CaseKpiByDistrict` (a district's month). The dashboard sums these where its
filters and the reader's scope need no finer key: a third of the rows or fewer, one row for a
district's month (docs/performance.md, "The case KPI dashboard").

Imported by `cases.models` (one line), so Django sees the models; this module imports nothing
of the cases app but its scope rules, and names the service by its label, so there is no cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.scope import department_ids
from tongcheng.lib.areacodes import LEVEL_PREFIX_LENGTH, subtree_q
from tongcheng.lib.roles import Role

if TYPE_CHECKING:
    from tongcheng.org.models import User

# The unit of a row that counts intake (opened, answered during the call): no unit yet.
NO_UNIT = 0
# The roles that read the KPIs by area, and the finest area the summary keeps: a district.
KPI_AREA_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.DISTRICT_OFFICE, Role.INSPECTOR, Role.LEADER}
)  # fmt: skip
DISTRICT_DIGITS = LEVEL_PREFIX_LENGTH["district"]

# The counters of a row, in the order of the table (docs/cases.md, "KPIs", says when each counts).
COUNTERS = (
    "received",  # opened (receipt month)
    "direct",  # 直办: closed at intake, answered during the call (close month)
    "dispatched",  # dispatches to the unit, re-dispatches and upheld dispatches (dispatch month)
    "returned",  # of those, returned by the unit (dispatch month)
    "signed_on_time",  # of those, signed no later than sign_due (dispatch month)
    "closed",  # closed after the unit's reply: after the follow-up call or unreachable (close)
    "closed_on_time",  # of those, the last reply no later than the handling deadline
    "handling_minutes",  # working minutes from the last dispatch to the last reply, summed
    "reopened",  # of the closed, reopened at least once
    "unreachable",  # of the closed, closed as 无法联系 (three failed follow-up calls)
    "followed_up",  # of the closed, closed after a reached follow-up call
    "resolved",  # of those, whose last reply said "resolved"
    "satisfied",  # of those, the caller satisfied
    "basic",  # of those, the caller basically satisfied
)


def district_of(area_code: str) -> str:
    """The 12-digit code of a community's district (140403001001 → 140403000000)."""
    return area_code[:DISTRICT_DIGITS].ljust(12, "0")


def kpi_prefixes(user: User) -> list[str]:
    """The subtrees whose KPIs the user reads: acting KPI memberships at district level or above
    (the summary keeps no street; a street's membership reads nothing here)."""
    return [p for p in user.scope_prefixes(KPI_AREA_ROLES) if len(p) <= DISTRICT_DIGITS]


def kpi_visible_q(user: User, *, units: bool = True) -> Q:
    """Rows of the user's districts (offices, inspectors, leaders) or, where the rows keep the
    unit, of their units (liaisons: their own unit's figures, wherever its cases came from)."""
    condition = subtree_q(kpi_prefixes(user), "district_code")
    own = department_ids(user) if units else []
    if own:
        condition |= Q(unit__in=own)
    return condition


class CaseKpiQuerySet(models.QuerySet["CaseKpi"]):
    def visible_to(self, user: User) -> CaseKpiQuerySet:
        return self.filter(kpi_visible_q(user))


class CaseKpiByUnitQuerySet(models.QuerySet["CaseKpiByUnit"]):
    def visible_to(self, user: User) -> CaseKpiByUnitQuerySet:
        return self.filter(kpi_visible_q(user))


class CaseKpiByServiceQuerySet(models.QuerySet["CaseKpiByService"]):
    def visible_to(self, user: User) -> CaseKpiByServiceQuerySet:
        """The user's districts only: a row adds every unit up, so it holds no liaison's own
        unit's figures (the full summary does)."""
        return self.filter(kpi_visible_q(user, units=False))


class CaseKpiByDistrictQuerySet(models.QuerySet["CaseKpiByDistrict"]):
    def visible_to(self, user: User) -> CaseKpiByDistrictQuerySet:
        """The user's districts only, as for `CaseKpiByService`."""
        return self.filter(kpi_visible_q(user, units=False))


class KpiRow(models.Model):
    """A month and a district with their counters (COUNTERS, in this order): what every row of
    the summary and of its rollups holds; each adds the rest of its key."""

    month = models.DateField(_("month"))  # the first day of the month, local time
    district_code = models.CharField(_("district"), max_length=12)
    received = models.PositiveIntegerField(default=0)
    direct = models.PositiveIntegerField(default=0)
    dispatched = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    signed_on_time = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    handling_minutes = models.BigIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    unreachable = models.PositiveIntegerField(default=0)
    followed_up = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basic = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class CaseKpi(KpiRow):
    """One row of KPI counters: a month, a district, a member unit (0: intake) and a service.

    `unit` is the member unit's id as a plain integer, so that the intake rows (no unit) have a
    value the unique key can hold on both engines (a NULL is never equal to another NULL).
    """

    unit = models.PositiveIntegerField(_("member unit"))
    service = models.ForeignKey(
        "cases.Service", models.PROTECT, related_name="+", verbose_name=_("service")
    )

    objects = CaseKpiQuerySet.as_manager()

    class Meta:
        verbose_name = _("case KPI row")
        verbose_name_plural = _("case KPI rows")
        constraints = [
            # The upsert's conflict target: one row per key.
            models.UniqueConstraint(
                fields=["month", "district_code", "unit", "service"], name="casekpi_unique"
            ),
        ]
        indexes = [
            # A district's months (the unique key serves a city's range of months).
            models.Index(fields=["district_code", "month"], name="casekpi_district_month_idx"),
            # A liaison's own unit.
            models.Index(fields=["unit", "month"], name="casekpi_unit_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.district_code} {self.unit} {self.service_id}"


class CaseKpiByUnit(KpiRow):
    """The sum of the `CaseKpi` rows of a month, a district and a member unit (0: intake), over
    every service: what the units' table reads when no service group is chosen."""

    unit = models.PositiveIntegerField(_("member unit"))

    objects = CaseKpiByUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("case KPI row by unit")
        verbose_name_plural = _("case KPI rows by unit")
        constraints = [
            # The upsert's conflict target; it also serves a district's months and the city's.
            models.UniqueConstraint(
                fields=["district_code", "month", "unit"], name="casekpibyunit_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.district_code} {self.unit}"


class CaseKpiByService(KpiRow):
    """The sum of the `CaseKpi` rows of a month, a district and a service, over every member unit
    and the intake: what the tables by district, service and month read for area readers."""

    service = models.ForeignKey(
        "cases.Service", models.PROTECT, related_name="+", verbose_name=_("service")
    )

    objects = CaseKpiByServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("case KPI row by service")
        verbose_name_plural = _("case KPI rows by service")
        constraints = [
            models.UniqueConstraint(
                fields=["district_code", "month", "service"], name="casekpibyservice_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.district_code} {self.service_id}"


class CaseKpiByDistrict(KpiRow):
    """The sum of the `CaseKpi` rows of a month and a district, over every unit and service:
    what the table by month (and the total) reads for area readers when no group is chosen."""

    objects = CaseKpiByDistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("case KPI row by district")
        verbose_name_plural = _("case KPI rows by district")
        constraints = [
            models.UniqueConstraint(
                fields=["district_code", "month"], name="casekpibydistrict_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.district_code}"
