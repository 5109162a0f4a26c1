"""Representatives (代表人士), the 三必谈 contacts with them, and the summaries of the cadence.

A `Representative` is an appointment (聘任): a person of the ledger or a resident who is not in
it (their name, ethnicity and phone kept as the ledger keeps identifiers: `identifiers.py`), an
area (a community, street or district), a term, the appointing office, the responsible officer
and the three social duties. A `Contact` is one talk: a phone talk, a face-to-face talk or the
古尔邦节 forum (座谈会).

The cadence (docs/engagement.md) is kept in two summaries that every write updates in its own
transaction (`summaries.py`): a `Slot` per representative and period (an ISO week, a month, a
festival year) saying whether the period is due and how many contacts fell in it, and a `Tally`
per area, officer, kind and period with the due and done counters the compliance pages read.
`FestivalDate` holds the 古尔邦节 and 开斋节 dates the city office entered for a year.

Long because: the appointment, its contacts, the two summaries and the festival dates are one
vocabulary (the kinds and periods are shared by all of them).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongcheng.engagement import scope
from tongcheng.org.models import Area
from tongcheng.registry.models import Person

if TYPE_CHECKING:
    from tongcheng.org.models import User


class Duty(models.TextChoices):
    """一岗双责: the three social duties of a representative."""

    OPINION = "opinion", _("了解民意包社情畅通: keep the community's voice heard")
    MEDIATION = "mediation", _("协调民事包矛盾调解: help settle disputes")
    CARE = "care", _("体察民情包访贫问寒: visit those in need")


class Kind(models.TextChoices):
    """The kinds of contact of 三必谈."""

    PHONE = "phone", _("Phone talk")
    VISIT = "visit", _("Face-to-face talk")
    FORUM = "forum", _("古尔邦节 forum")


class Topic(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    SCHOOLING = "schooling", _("Schooling")
    HOUSING = "housing", _("Housing")
    DISPUTES = "disputes", _("Disputes")
    POLICY = "policy", _("Policy questions")
    OTHER = "other", _("Other")


class Period(models.TextChoices):
    """The periods of the cadence: the ISO week (its Monday), the month (its first day) and the
    festival year (its 1 January)."""

    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    FORUM = "forum", _("Festival year")


class RepresentativeQuerySet(models.QuerySet["Representative"]):
    def visible_to(self, user: User) -> RepresentativeQuerySet:
        """Appointments of the user's area subtree (offices, sections, centres, inspectors)."""
        return self.filter(scope.representatives_q(user))

    def active(self) -> RepresentativeQuerySet:
        return self.filter(state=Representative.State.ACTIVE)


class Representative(models.Model):
    """One appointment of a representative (聘任) for a term."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    person = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("person file"),
    )  # fmt: skip
    # A resident without a file (identifiers.py): encrypted, the phone also hashed, last 4 clear.
    name_enc = models.TextField(blank=True, editable=False)
    ethnicity_enc = models.TextField(blank=True, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    phone_last4 = models.CharField(max_length=4, blank=True, editable=False)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"))
    area_code = models.CharField(max_length=12, editable=False)
    term_from = models.DateField(_("term from"))
    term_to = models.DateField(_("term to"))
    office = models.CharField(_("appointing office"), max_length=64)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
        verbose_name=_("responsible officer"),
    )  # fmt: skip
    duties = models.JSONField(_("social duties"), default=list)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("representative's account"),
    )  # fmt: skip
    serial = models.CharField(_("serial number"), max_length=20, unique=True)
    # Raised by every change of the appointment's page: a change sent from a page read before
    # another one is refused instead of writing back what that page showed (a lost update).
    version = models.PositiveIntegerField(default=1, editable=False)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.ACTIVE)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        ordering = ["area_code", "term_to", "pk"]
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        constraints = [
            models.CheckConstraint(condition=Q(term_to__gte=models.F("term_from")),
                                   name="representative_term_ordered"),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name_enc=""),
                name="representative_has_person_or_name",
            ),
            models.CheckConstraint(
                condition=Q(state="active", ended_on__isnull=True)
                | Q(state="ended", ended_on__isnull=False),
                name="representative_ended_has_date",
            ),
        ]  # fmt: skip
        indexes = [
            # The lists of an area: its appointments by state and term end (ending soon).
            models.Index(fields=["area_code", "state", "term_to"], name="rep_area_state_idx"),
            models.Index(fields=["person", "term_from"], name="rep_person_idx"),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def last_day(self) -> date:
        """The last day of the appointment: the term's end, or the day it was ended."""
        return self.ended_on if self.ended_on is not None else self.term_to


class ContactQuerySet(models.QuerySet["Contact"]):
    def visible_to(self, user: User) -> ContactQuerySet:
        return self.filter(scope.representatives_q(user))


class Contact(models.Model):
    """One talk with a representative (三必谈)."""

    representative = models.ForeignKey(
        Representative, models.CASCADE, related_name="contacts",
        verbose_name=_("representative"),
    )  # fmt: skip
    area_code = models.CharField(max_length=12, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    topics = models.JSONField(_("topics"), default=list)
    summary = models.CharField(_("summary"), max_length=500)
    follow_up = models.CharField(_("follow-up"), max_length=500, blank=True)
    case = models.ForeignKey(
        "cases.Case", models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("case"),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["representative", "held_on"], name="contact_rep_date_idx"),
            models.Index(fields=["area_code", "held_on"], name="contact_area_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.kind}"


class SlotQuerySet(models.QuerySet["Slot"]):
    def visible_to(self, user: User) -> SlotQuerySet:
        return self.filter(scope.representatives_q(user))

    def of_officer(self, user: User) -> SlotQuerySet:
        """The slots the user is the responsible officer of."""
        return self.filter(officer=user)

    def due_open(self) -> SlotQuerySet:
        """Due and without a contact yet."""
        return self.filter(due=True, done=0)


class Slot(models.Model):
    """A representative's period of the cadence: whether it is due, and its contacts so far.

    One row per representative, kind and period intersecting the appointment (docs/engagement.md
    says which are due). `officer` and `area_code` are the responsible officer and area for that
    period: a change of officer or area moves the periods not yet over, never the past ones.
    """

    representative = models.ForeignKey(Representative, models.CASCADE, related_name="slots")
    kind = models.CharField(max_length=8, choices=Period.choices)
    period = models.DateField()
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    area_code = models.CharField(max_length=12)
    due = models.BooleanField(default=True)
    done = models.PositiveIntegerField(default=0)
    # The "due this week" notice was sent (jobs.py announces each due week once).
    announced = models.BooleanField(default=False)

    objects = SlotQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["representative", "kind", "period"], name="slot_unique"
            ),
        ]
        indexes = [
            # An officer's due list: their open slots of this week or month.
            models.Index(fields=["officer", "kind", "period", "done"], name="slot_officer_idx"),
            # An area's due and missed lists.
            models.Index(fields=["kind", "period", "area_code"], name="slot_area_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.representative_id} {self.kind} {self.period}"


class TallyQuerySet(models.QuerySet["Tally"]):
    def visible_to(self, user: User) -> TallyQuerySet:
        return self.filter(scope.representatives_q(user))


class Tally(models.Model):
    """The due and done counters of one area, officer, kind and period: the sum of its slots.

    `due` counts the due slots, `done` those of them with at least one contact. The compliance
    pages read only these rows.
    """

    area_code = models.CharField(max_length=12)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Period.choices)
    period = models.DateField()
    due = models.IntegerField(default=0)
    done = models.IntegerField(default=0)

    objects = TallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["area_code", "officer", "kind", "period"], name="tally_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "period", "area_code"], name="tally_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.area_code} {self.officer_id} {self.kind} {self.period}"


class FestivalDate(models.Model):
    """The dates the city office entered for a year (they win over the computed ones)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    eid_al_adha = models.DateField(_("古尔邦节"), null=True, blank=True)
    eid_al_fitr = models.DateField(_("开斋节"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("festival dates")
        verbose_name_plural = _("festival dates")

    def __str__(self) -> str:
        return str(self.year)
