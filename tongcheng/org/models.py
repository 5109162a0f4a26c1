"""Jurisdictions, member units, the leading group, service points, reference lists, accounts.

Long because the models of one app sit in one module, as Django expects, and these reference
each other (a membership joins an account, an area and a member unit; every `visible_to` takes
the account): split, the modules would import each other. The classes are mostly field lists.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.areacodes import LEVEL_PREFIX_LENGTH, in_subtree, subtree_q
from tongcheng.lib.roles import ADMIN_ROLES, AREA_ROLES, READ_ONLY_ROLES, Role

if TYPE_CHECKING:
    from collections.abc import Iterable


class AreaQuerySet(models.QuerySet["Area"]):
    def in_subtree(self, prefixes: Iterable[str]) -> AreaQuerySet:
        """Areas whose code starts with any of the given prefixes (an empty list matches none)."""
        return self.filter(subtree_q(prefixes, "code"))

    def visible_to(self, user: User) -> AreaQuerySet:
        """Areas inside the subtree of any of the user's memberships.

        Areas are not personal data: every role sees the subtree it works in (a liaison or
        operator the subtree of its city or district).
        """
        return self.in_subtree(user.scope_prefixes())

    def communities(self) -> AreaQuerySet:
        return self.filter(level=Area.Level.COMMUNITY)

    def writable_by(self, user: User, roles: Iterable[Role] | None = None) -> AreaQuerySet:
        """Areas where the user may write records (through memberships of `roles`, or any)."""
        return self.in_subtree(user.scope_prefixes(roles, write=True))


class Area(models.Model):
    """A jurisdiction of 长治市: the city, a district/county, a street/town, a community/village."""

    class Level(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District / county")
        STREET = "street", _("Street / town")
        COMMUNITY = "community", _("Community / village")

    code = models.CharField(_("statistical code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.CheckConstraint(condition=Q(code__digits=12), name="area_code_twelve_digits"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The code digits that every area in this subtree shares."""
        return self.code[: LEVEL_PREFIX_LENGTH[self.level]]

    def contains(self, other: Area) -> bool:
        return in_subtree(other.code, [self.prefix])

    def ancestors(self) -> list[Area]:
        """From the city down to this area's parent, in one query."""
        codes = [
            self.code[:length].ljust(12, "0")
            for length in LEVEL_PREFIX_LENGTH.values()
            if length < len(self.prefix)
        ]
        return list(Area.objects.filter(code__in=codes).order_by("code"))


class Region(models.Model):
    """A province, prefecture city or county of China (GB/T 2260): where people come from."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        PREFECTURE = "prefecture", _("Prefecture")
        COUNTY = "county", _("County")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Ethnicity(models.Model):
    """An ethnic group of GB/T 3304 (self-declared), or 未申报 (not declared)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=32, unique=True)
    romanized = models.CharField(_("romanized name"), max_length=32, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("ethnic group")
        verbose_name_plural = _("ethnic groups")

    def __str__(self) -> str:
        return self.name


class ServiceCategory(models.Model):
    """A kind of help a member unit handles (employment services, legal aid, school enrolment …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=64)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")

    def __str__(self) -> str:
        return self.name


class DepartmentQuerySet(models.QuerySet["Department"]):
    def visible_to(self, user: User) -> DepartmentQuerySet:
        """The directory is public inside the system: units of the user's city or districts.

        A street or community officer sees the units of the district it lies in too (its own
        scope holds no unit: units sit at city and district level).
        """
        districts = {
            prefix[: LEVEL_PREFIX_LENGTH["district"]].ljust(12, "0")
            for prefix in user.scope_prefixes()
            if len(prefix) >= LEVEL_PREFIX_LENGTH["district"]
        }
        return self.filter(
            Q(area__level=Area.Level.CITY)
            | Q(area__code__in=sorted(districts))
            | Q(area__in=Area.objects.visible_to(user).values("pk"))
        )


class Department(models.Model):
    """A member unit of the leading group (成员单位), at city or district level."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("short name"), max_length=64)
    full_name = models.CharField(_("full name"), max_length=128)
    area = models.ForeignKey(
        Area, models.PROTECT, related_name="departments", verbose_name=_("area")
    )
    duties = models.TextField(_("duties"), blank=True)
    categories = models.ManyToManyField(
        ServiceCategory, blank=True, related_name="departments", verbose_name=_("categories")
    )
    is_lead = models.BooleanField(_("lead unit"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["area__code", "order", "code"]
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")

    def __str__(self) -> str:
        return self.name


class LeadingGroupPosition(models.Model):
    """A seat in a leading group (领导小组) or its office, held by the holder of a post."""

    class Position(models.TextChoices):
        LEADER = "leader", _("Group leader")
        DEPUTY = "deputy", _("Deputy group leader")
        MEMBER = "member", _("Member")
        OFFICE_DIRECTOR = "office_director", _("Office director")

    area = models.ForeignKey(Area, models.PROTECT, related_name="leading_positions")
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    post = models.CharField(_("post"), max_length=128)
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="leading_positions"
    )
    holder_name = models.CharField(_("holder"), max_length=64, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["area__code", "order"]
        verbose_name = _("leading group seat")
        verbose_name_plural = _("leading group seats")

    def __str__(self) -> str:
        return f"{self.get_position_display()} {self.post}"


class ServicePointQuerySet(models.QuerySet["ServicePoint"]):
    def visible_to(self, user: User) -> ServicePointQuerySet:
        return self.filter(area__in=Area.objects.visible_to(user).values("pk"))


class ServicePoint(models.Model):
    """A street 民族科 or a community 少数民族便民服务中心."""

    class Kind(models.TextChoices):
        STREET_SECTION = "street_section", _("Ethnic affairs section (street)")
        COMMUNITY_CENTRE = "community_centre", _("Service centre (community)")

    area = models.ForeignKey(Area, models.PROTECT, related_name="service_points")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=128)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("public phone"), max_length=32, blank=True)
    hours = models.CharField(_("opening hours"), max_length=128, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)

    objects = ServicePointQuerySet.as_manager()

    class Meta:
        ordering = ["area__code", "kind"]
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        constraints = [
            models.UniqueConstraint(fields=["area", "kind"], name="service_point_one_per_kind"),
        ]

    def __str__(self) -> str:
        return self.name


class RolloutStage(models.Model):
    """When an area joined the system's rollout: the pilot (2013) or the city-wide phase (2015)."""

    class Stage(models.TextChoices):
        PILOT = "pilot", _("Pilot")
        CITYWIDE = "citywide", _("City-wide rollout")

    area = models.OneToOneField(Area, models.PROTECT, related_name="rollout")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    since = models.DateField(_("since"))
    basis = models.CharField(_("basis"), max_length=255, blank=True)

    class Meta:
        ordering = ["since", "area__code"]
        verbose_name = _("rollout stage")
        verbose_name_plural = _("rollout stages")

    def __str__(self) -> str:
        return f"{self.area} {self.get_stage_display()}"

    def is_active(self, on: date | None = None) -> bool:
        return self.since <= (on or timezone.localdate())


class User(AbstractUser):
    """A named account. Roles and scopes are its memberships."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    # Changing this ends every session of the account (it is part of the session hash).
    security_stamp = models.CharField(max_length=32, default="", editable=False)
    totp_secret = models.TextField(blank=True, editable=False)  # encrypted (lib.crypto)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    totp_last_step = models.BigIntegerField(default=0, editable=False)
    is_demo = models.BooleanField(_("demo account"), default=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_session_auth_hash(self) -> str:
        """Bind sessions to the password and the security stamp: bumping either ends them."""
        return salted_hmac(
            "tongcheng.org.User.session",
            f"{self.password}:{self.security_stamp}",
            algorithm="sha256",
        ).hexdigest()

    def rotate_security_stamp(self) -> None:
        self.security_stamp = secrets.token_hex(16)

    # Memberships are read once per request and cached on the instance.
    def all_memberships(self) -> list[Membership]:
        """Every membership the account holds (for menus, profiles and the policy check)."""
        cached: list[Membership] | None = getattr(self, "_memberships_cache", None)
        if cached is None:
            cached = list(self.memberships.select_related("area", "department"))
            self._memberships_cache = cached
        return cached

    def act_as(self, roles: Iterable[Role]) -> None:
        """Narrow this request to the memberships whose role the operation's policy allows.

        Set by the access policy before the view runs, so that scoping and access helpers see
        only those memberships: a street officer who is also a city-wide hotline operator edits
        service points with the street's scope, not the city's.
        """
        self._acting_roles = frozenset(roles)

    def active_memberships(self) -> list[Membership]:
        """The memberships acting in this request (all of them outside a request)."""
        acting: frozenset[Role] | None = getattr(self, "_acting_roles", None)
        held = self.all_memberships()
        if acting is None:
            return held
        return [m for m in held if Role(m.role) in acting]

    def held_roles(self) -> set[Role]:
        """Every role the account holds, whatever the current operation."""
        return {Role(m.role) for m in self.all_memberships()}

    def roles(self) -> set[Role]:
        """The roles acting in this request."""
        return {Role(m.role) for m in self.active_memberships()}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles() & set(roles))

    def scope_prefixes(
        self, roles: Iterable[Role] | None = None, *, write: bool = False
    ) -> list[str]:
        """Area-code prefixes of the acting memberships (of the given roles, or all).

        `write=True`: only the memberships that may write (read-only roles left out). Whether a
        user may write in one area is tongcheng.org.access.may_write, built on this.
        """
        wanted = set(roles) if roles is not None else None
        return [
            m.area.prefix
            for m in self.active_memberships()
            if (wanted is None or Role(m.role) in wanted)
            and not (write and Role(m.role) in READ_ONLY_ROLES)
        ]

    def record_scope_prefixes(self) -> list[str]:
        """Prefixes of the memberships that see records by area (AREA_ROLES)."""
        return self.scope_prefixes(AREA_ROLES)

    def is_admin_account(self) -> bool:
        return bool(self.held_roles() & (ADMIN_ROLES | {Role.CITY_ADMIN}))


class MembershipQuerySet(models.QuerySet["Membership"]):
    def visible_to(self, user: User) -> MembershipQuerySet:
        return self.filter(area__in=Area.objects.visible_to(user).values("pk"))


class Membership(models.Model):
    """One role held in one area (and, for a liaison, for one member unit)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(Area, models.PROTECT, related_name="memberships")
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    granted_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="granted_memberships"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "role", "area__code"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "area"],
                condition=Q(department__isnull=True),
                name="membership_unique_without_department",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "area", "department"],
                condition=Q(department__isnull=False),
                name="membership_unique_with_department",
            ),
            models.CheckConstraint(
                condition=~Q(role="dept_liaison") | Q(department__isnull=False),
                name="membership_liaison_has_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.area}"


class LoginThrottle(models.Model):
    """Consecutive failed logins per entered username, whether or not the account exists."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.username


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Tokens that authenticate now: not revoked, not expired, of an active account.

        A demo account's token works only where demo accounts may log in (DEBUG).
        """
        tokens = self.filter(revoked=False, expires_at__gt=timezone.now(), user__is_active=True)
        if not settings.DEMO_ACCOUNTS_ALLOWED:
            tokens = tokens.filter(user__is_demo=False)
        return tokens.select_related("user")


class ApiToken(models.Model):
    """A bearer token for an integration calling the REST API as one account.

    Only a keyed hash of the token is stored; `prefix` (the first characters) lets people tell
    their tokens apart without the secret.
    """

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    prefix = models.CharField(_("prefix"), max_length=16)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class CalendarYear(models.Model):
    """A year of the working calendar entered by an administrator from the State Council notice.

    Only years the chinese-calendar package does not cover are entered (tongcheng.org.workcalendar
    says which); `version` grows with every save, so every process sees the change.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice = models.CharField(_("State Council notice"), max_length=255)
    entered_by = models.ForeignKey(
        User, models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A holiday (休) or a make-up working day (班: a weekend day worked) of an entered year."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up working day")

    year = models.ForeignKey(CalendarYear, models.CASCADE, related_name="days")
    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=32)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["holiday", "workday"]), name="calendar_day_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.name} {self.get_kind_display()}"


class RecurringJobState(models.Model):
    """Where one recurring job's chain on the task worker stands (org/recurring.py).

    `queued_id` is the task that runs the job next: a run first queues its successor and then
    works, so only the task named here may run, and a stray copy returns at once.
    """

    name = models.CharField(max_length=64, unique=True)
    queued_id = models.CharField(max_length=64, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_summary = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("recurring job")
        verbose_name_plural = _("recurring jobs")

    def __str__(self) -> str:
        return self.name
