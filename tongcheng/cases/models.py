"""Cases (三必帮 help requests and hotline tickets) and everything that follows one to its end.

A `Case` belongs to one community (`area_code`, like a file) and is dispatched to member units
(`CaseUnit`: one lead unit, optionally co-handling units). Its state changes only through
`cases.actions.workflow`, which locks the row, checks the move against `cases.workflow` (the
state machine) and writes a `CaseEvent` for every step. A caller without a file keeps their
name and phone as the ledger keeps identifiers: encrypted, hashed, shown masked.

Long because: the case, its units, history, extensions, services and time limits are one
vocabulary, read together; splitting them would scatter the choices each of them uses.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.cases import scope
from tongcheng.cases.attachmentmodels import CaseAttachment  # noqa: F401 (for Django)
from tongcheng.cases.kpimodels import CaseKpi  # noqa: F401 (the KPI summary's models, for Django)

# Importing it registers the services' models (certifications, waivers, relief, legal aid …).
from tongcheng.cases.servicemodels import volunteer_cases_q
from tongcheng.org.models import Area, Department
from tongcheng.registry.models import Person

if TYPE_CHECKING:
    from tongcheng.org.models import User


class Group(models.TextChoices):
    """The 三必帮 groups: what kind of difficulty the case helps with."""

    EMPLOYMENT = "employment", _("Employment difficulty")
    PROCEDURES = "procedures", _("Paperwork")
    LIVING = "living", _("Living difficulty")


class Nature(models.TextChoices):
    """The hotline nature of a request (12345 practice)."""

    CONSULTATION = "consultation", _("Consultation")
    HELP = "help", _("Request for help")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")


class Urgency(models.TextChoices):
    """How soon the person needs help: a need, never a judgement of the person."""

    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")


class Channel(models.TextChoices):
    COMMUNITY = "community", _("Community centre")
    HOTLINE = "hotline", _("Service hotline")
    PLATFORM = "platform", _("Public phone platform")
    PROACTIVE = "proactive", _("Proactive service")


class Language(models.TextChoices):
    """Languages an interpreter may be needed for (the ethnic groups who most often need one)."""

    UYGHUR = "ug", _("Uyghur")
    TIBETAN = "bo", _("Tibetan")
    MONGOLIAN = "mn", _("Mongolian")
    KAZAKH = "kk", _("Kazakh")
    KYRGYZ = "ky", _("Kyrgyz")
    KOREAN = "ko", _("Korean")
    YI = "ii", _("Yi")
    ZHUANG = "za", _("Zhuang")
    OTHER = "other", _("Another language")


class Service(models.Model):
    """A service a member unit gives (the catalogue a case picks from), and who gives it.

    `unit` is the member unit's key in the reference data (`edu`, `hrss` …): the district's unit
    `<district 6 digits>-<unit>` handles it where it exists, else the city's `city-<unit>`.
    `kind` says which service needs more than dispatch (a certification, a waiver …).
    """

    class Kind(models.TextChoices):
        GENERAL = "general", _("General")
        HARDSHIP_CERTIFICATION = "hardship_certification", _("Hardship certification")
        FEE_WAIVER = "fee_waiver", _("Fee waiver")
        RELIEF = "relief", _("Relief")
        LEGAL_AID = "legal_aid", _("Legal aid")
        EMPLOYMENT = "employment", _("Employment and training")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=64)
    group = models.CharField(_("group"), max_length=12, choices=Group.choices)
    # The member units' service category (org.ServiceCategory.code) the service belongs to.
    category = models.SlugField(_("service category"), max_length=40)
    unit = models.SlugField(_("member unit key"), max_length=20)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.GENERAL)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name


LIMIT_PATTERN = re.compile(r"^(\d{1,3})([hd])$")
limit_validator = RegexValidator(
    LIMIT_PATTERN,
    _("Write a time limit as a number followed by h (working hours) or d (working days)."),
)


class TimeLimit(models.Model):
    """The time limits of one nature and urgency (and optionally one service), 12345 practice.

    Each limit is "<n>h" (working hours) or "<n>d" (working days; the deadline is the end of
    the n-th working day after the start, "0d" the end of the same working day). Dispatch is
    counted from receipt; signing and handling from dispatch; the follow-up call from the reply.
    The row of a service wins over the row without one.
    """

    nature = models.CharField(_("nature"), max_length=16, choices=Nature.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices)
    service = models.ForeignKey(
        Service, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    dispatch = models.CharField(_("dispatch within"), max_length=5, validators=[limit_validator])
    sign = models.CharField(_("sign within"), max_length=5, validators=[limit_validator])
    handle = models.CharField(_("handle within"), max_length=5, validators=[limit_validator])
    follow_up = models.CharField(_("follow up within"), max_length=5, validators=[limit_validator])

    class Meta:
        ordering = ["nature", "urgency", "service_id"]
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.UniqueConstraint(
                fields=["nature", "urgency"],
                condition=Q(service__isnull=True),
                name="timelimit_one_default",
            ),
            models.UniqueConstraint(
                fields=["nature", "urgency", "service"],
                condition=Q(service__isnull=False),
                name="timelimit_one_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} · {self.get_urgency_display()}"


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    DISPATCHED = "dispatched", _("Dispatched")
    RETURNED = "returned", _("Returned by the unit")
    IN_PROGRESS = "in_progress", _("In progress")
    REPLIED = "replied", _("Replied")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")


OPEN_STATES = (
    State.RECEIVED,
    State.DISPATCHED,
    State.RETURNED,
    State.IN_PROGRESS,
    State.REPLIED,
    State.REOPENED,
)
# The states in which the lead unit works on the case (its handling deadline runs).
HANDLING_STATES = (State.DISPATCHED, State.IN_PROGRESS, State.REOPENED)


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User) -> CaseQuerySet:
        """Cases of the user's area (area roles, operators), dispatched to their unit, or
        assigned to them as a legal-aid volunteer (servicemodels.volunteer_cases_q)."""
        condition = scope.cases_by_area_q(user)
        departments = scope.department_ids(user)
        if departments:
            # A unit sees the case while it is its unit: a unit that returned it, or from which
            # it was dispatched elsewhere, no longer does.
            units = CaseUnit.objects.filter(
                case=OuterRef("pk"), department_id__in=departments, state__in=CaseUnit.SEEING
            )
            condition |= Q(Exists(units))
        # A legal-aid volunteer: the cases assigned to them, while the consent is on file.
        condition |= volunteer_cases_q(user)
        return self.filter(condition)

    def open(self) -> CaseQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def with_contact_phone(self) -> CaseQuerySet:
        """Cases whose person can be called: the file's phone, else the caller's."""
        return self.filter(
            Q(person__isnull=False, person__phone_hash__gt="")
            | Q(person__isnull=True, caller_phone_hash__gt="")
        )

    def overdue(self, now: object = None) -> CaseQuerySet:
        """Open cases whose current deadline (dispatch, handling or follow-up) has passed."""
        moment = now or timezone.now()
        return self.filter(due_at__lt=moment).exclude(state=State.CLOSED)


class Case(models.Model):
    """A request for help, from intake to closure (诉求 / 帮扶事项)."""

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        PARTLY = "partly", _("Partly resolved")
        NOT_RESOLVABLE = "not_resolvable", _("Cannot be resolved")

    class Closure(models.TextChoices):
        FOLLOWED_UP = "followed_up", _("Closed after the follow-up call")
        DIRECT = "direct", _("Answered during the call")
        UNREACHABLE = "unreachable", _("Caller could not be reached")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASIC = "basic", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    person = models.ForeignKey(
        Person,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person file"),
    )
    # A caller without a file (the ledger's codec: encrypted, keyed hash, last 4).
    caller_name_enc = models.TextField(blank=True, editable=False)
    caller_phone_enc = models.TextField(blank=True, editable=False)
    caller_phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    caller_phone_last4 = models.CharField(max_length=4, blank=True, editable=False)
    # A caller without a file agreed to be told by text message (a file's own consent is the
    # ledger's CONTACT_BY_PHONE consent): the receipt and the reply note (cases/notices.py).
    text_consent = models.BooleanField(_("agrees to be told by text message"), default=False)

    community = models.ForeignKey(Area, models.PROTECT, related_name="+")
    area_code = models.CharField(max_length=12, editable=False)
    service = models.ForeignKey(Service, models.PROTECT, related_name="cases")
    group = models.CharField(_("group"), max_length=12, choices=Group.choices)
    nature = models.CharField(_("nature"), max_length=16, choices=Nature.choices)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    interpreter = models.CharField(
        _("needs an interpreter for"), max_length=8, choices=Language.choices, blank=True
    )
    description = models.TextField(_("description"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)

    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    lead_department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+"
    )
    # 首接负责制: named by the district office after two returns; may no longer return.
    lead_locked = models.BooleanField(default=False)
    returns = models.PositiveSmallIntegerField(default=0)
    reopened = models.PositiveSmallIntegerField(default=0)

    # The deadlines of each stage, and the one running now (due_at, for lists and sweeps).
    dispatch_due = models.DateTimeField(null=True, blank=True)
    sign_due = models.DateTimeField(null=True, blank=True)
    handle_due = models.DateTimeField(null=True, blank=True)
    follow_up_due = models.DateTimeField(null=True, blank=True)
    # When the handling time started (each dispatch, and a reopening); an approved extension
    # fixes handle_due to its date instead.
    handle_started_at = models.DateTimeField(null=True, blank=True)
    extended = models.BooleanField(default=False)
    due_at = models.DateTimeField(null=True, blank=True)
    # A deadline that reaches into a year nobody has entered yet (Monday–Friday counted there).
    due_provisional = models.BooleanField(default=False)

    supervised = models.BooleanField(default=False)
    urged_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    # The deadlines the sweep has announced as due soon and as overdue (each one once).
    soon_noticed_for = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_noticed_for = models.DateTimeField(null=True, blank=True, editable=False)

    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    follow_up_attempts = models.PositiveSmallIntegerField(default=0)
    closure = models.CharField(_("closure"), max_length=12, choices=Closure.choices, blank=True)

    received_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["area_code", "state", "due_at"], name="case_area_state_due_idx"),
            models.Index(fields=["area_code", "-received_at"], name="case_area_received_idx"),
            models.Index(fields=["state", "due_at"], name="case_state_due_idx"),
            models.Index(fields=["caller_phone_hash"], name="case_caller_phone_idx"),
            models.Index(fields=["due_provisional"], name="case_provisional_idx"),
            # The list (selectors.case_page), newest first: unfiltered, by state, by service,
            # and overdue (the open cases only). Each ends with the area code, so the scope is
            # tested inside the index (docs/performance.md, "The case pages and the sweep").
            models.Index(fields=["-received_at", "-id", "area_code"], name="case_received_idx"),
            models.Index(
                fields=["state", "-received_at", "-id", "area_code"],
                name="case_state_received_idx",
            ),
            models.Index(
                fields=["service", "-received_at", "-id", "area_code"],
                name="case_service_received_idx",
            ),
            models.Index(
                fields=["-received_at", "-id", "area_code", "due_at"],
                condition=~Q(state="closed"),
                name="case_open_received_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="closed") | ~Q(closure=""), name="case_closed_has_closure"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The case number callers are given: the day received and the case's serial."""
        return case_number(self.received_at, self.pk)

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED


def case_number(received_at: datetime, pk: int) -> str:
    """`Case.number` from its two parts (for lists that read plain values, not cases)."""
    return f"{timezone.localtime(received_at):%Y%m%d}{pk:07d}"


def parse_case_number(text: str) -> tuple[str, int] | None:
    """(day "YYYYMMDD", pk) of a case number as `Case.number` writes it, or None."""
    cleaned = text.strip()
    if not re.fullmatch(r"\d{15,}", cleaned):
        return None
    return cleaned[:8], int(cleaned[8:])


class CaseUnitQuerySet(models.QuerySet["CaseUnit"]):
    def for_departments(self, ids: list[int]) -> CaseUnitQuerySet:
        return self.filter(department_id__in=ids)

    def active(self) -> CaseUnitQuerySet:
        return self.filter(state__in=(CaseUnit.State.WAITING, CaseUnit.State.SIGNED))


class CaseUnit(models.Model):
    """A member unit a case is dispatched to: the lead unit or a co-handling unit.

    `due_at` copies the case's running deadline for the unit's inbox, which reads this table
    alone (department, state, due_at).
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting to be signed")
        SIGNED = "signed", _("Signed")
        REPLIED = "replied", _("Replied")
        RETURNED = "returned", _("Returned")
        RELEASED = "released", _("Dispatched elsewhere")

    # The states in which the unit sees the case (a returned or released unit does not).
    SEEING = ("waiting", "signed", "replied")

    case = models.ForeignKey(Case, models.CASCADE, related_name="units")
    department = models.ForeignKey(Department, models.PROTECT, related_name="+")
    is_lead = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    due_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)

    objects = CaseUnitQuerySet.as_manager()

    class Meta:
        ordering = ["case_id", "-is_lead", "pk"]
        indexes = [
            models.Index(fields=["department", "state", "due_at"], name="caseunit_inbox_idx"),
            # The inbox's first rows (selectors.inbox_sections): a unit's active rows by
            # deadline, in order. PostgreSQL reads it; SQLite cannot match a partial index
            # with a bound IN list and reads caseunit_inbox_idx, sorting the ids in the index.
            models.Index(
                fields=["department", "due_at", "id"],
                condition=Q(state__in=["waiting", "signed"]),
                name="caseunit_active_due_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(is_lead=True) & Q(state__in=["waiting", "signed", "replied"]),
                name="caseunit_one_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.department_id}"


class CaseEvent(models.Model):
    """One step of a case's history: who, which move, from which state to which, why, when."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=24)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=24, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["case_id", "at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class ReturnReason(models.TextChoices):
    NOT_OUR_DUTY = "not_our_duty", _("Not this unit's duty")
    OTHER_AREA = "other_area", _("Belongs to another area")
    UNCLEAR = "unclear", _("The request is unclear or incomplete")
    DUPLICATE = "duplicate", _("Duplicate of another case")
    OTHER = "other", _("Other reason")


class Extension(models.Model):
    """A unit's request for more time, and the office's decision (延期)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, models.CASCADE, related_name="extensions")
    department = models.ForeignKey(Department, models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    new_due = models.DateField(_("new deadline"))
    old_due = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    # After an approval the caller is to be told the new deadline: the call that did it (or
    # tried to), for the hotline's follow-up queue (empty: still to be told).
    caller_told_at = models.DateTimeField(null=True, blank=True)
    caller_told_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    caller_reached = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["case_id", "-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="pending"), name="extension_one_pending"
            ),
        ]
        indexes = [
            # The hotline's queue of callers to tell: approved, not told yet.
            models.Index(
                fields=["decided_at"],
                condition=Q(state="approved", caller_told_at__isnull=True),
                name="extension_to_tell_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.new_due}"


# What a submission key may be (a form's own key, the API's Idempotency-Key header).
SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


class CaseSubmission(models.Model):
    """An opening asked for with a key of the asker's own (a form's hidden key, the API's
    Idempotency-Key): the same key from the same account within a day answers with the same
    case instead of opening another — a double click, a form sent again, a client that sent
    again after a lost answer (actions/intake.py, `case_open_once`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    case = models.ForeignKey(Case, models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="case_submission_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
