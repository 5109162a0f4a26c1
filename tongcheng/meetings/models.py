"""Joint meetings (联席会议) of a convening office and its member units, and their action items.

- `OfficeSetting`: a convening office's cadence (every how many months it meets, quarterly by
  default), its name as the notices print it and the contact line.
- `Meeting`: one joint meeting of an office (the city office or a district office): time,
  place, chair, agenda, minutes. Scheduled → held (attendance or minutes recorded) → issued
  (the minutes are locked).
- `AgendaItem`: an ordered agenda line; a line carried over from the last meeting names the
  open action item it reports on.
- `Invitation`: a unit invited, its liaison's answer (delegate, or declined with a reason), its
  attendance on the day and its work report (工作情况通报).
- `ActionItem`: a decision (决定事项/督办事项) for a unit, due a number of working days after
  the meeting (provisional when that reaches into a year not entered yet), with its notes
  (`ActionNote`: progress, completion, 催办, 督办).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.meetings.scope import CONVENERS, liaison_units, office_q
from tongcheng.org.models import Area, Department

if TYPE_CHECKING:
    from tongcheng.org.models import User

DEFAULT_CADENCE_MONTHS = 3


class OfficeSettingQuerySet(models.QuerySet["OfficeSetting"]):
    def visible_to(self, user: User) -> OfficeSettingQuerySet:
        return self.filter(office_q(user, CONVENERS, "area__code"))


class OfficeSetting(models.Model):
    """How a convening office holds its joint meetings."""

    area = models.OneToOneField(Area, models.PROTECT, related_name="meeting_setting")
    cadence_months = models.PositiveSmallIntegerField(
        _("meets every (months)"), default=DEFAULT_CADENCE_MONTHS
    )
    office_name = models.CharField(_("office name on the notices"), max_length=80, blank=True)
    contact = models.CharField(_("contact line"), max_length=120, blank=True)

    objects = OfficeSettingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting setting")
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_months__gte=1, cadence_months__lte=12),
                name="meetings_setting_cadence_1_12",
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} / {self.cadence_months}"


def default_office_name(area: Area) -> str:
    return str(_("%(area)s Office for Migrant Ethnic-Minority Services") % {"area": area.name})


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: User) -> MeetingQuerySet:
        """The offices' meetings of their district (the city: all) and those a unit of the
        user's is invited to (liaisons)."""
        condition = office_q(user)
        units = liaison_units(user)
        if units:
            invited = Invitation.objects.filter(department_id__in=units).values("meeting_id")
            condition |= Q(pk__in=invited)
        return self.filter(condition)

    def upcoming(self, now: object = None) -> MeetingQuerySet:
        return self.filter(state=Meeting.State.SCHEDULED, starts_at__gte=now or timezone.now())


class Meeting(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        ISSUED = "issued", _("Minutes issued")

    area = models.ForeignKey(
        Area, models.PROTECT, related_name="meetings", verbose_name=_("office")
    )
    area_code = models.CharField(max_length=12, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    starts_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=120)
    chair = models.CharField(_("chair"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices,
                             default=State.SCHEDULED)  # fmt: skip
    minutes = models.TextField(_("minutes"), blank=True)
    # Bumped by every save of the minutes, the sign-in and the issue: a page sent with an older
    # version is refused, so two officers writing the minutes at once lose nothing.
    version = models.PositiveIntegerField(default=1, editable=False)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                  blank=True, related_name="+")  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        indexes = [models.Index(fields=["area_code", "starts_at"], name="meetings_area_time")]

    def __str__(self) -> str:
        return self.title

    @property
    def locked(self) -> bool:
        return self.state == Meeting.State.ISSUED


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("agenda item"), max_length=200)
    carried = models.ForeignKey("ActionItem", models.SET_NULL, null=True, blank=True,
                                related_name="+")  # fmt: skip

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="meetings_agenda_position")
        ]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """A unit invited to a meeting: its answer, attendance and work report."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Not answered")
        ATTENDING = "attending", _("Attending")
        DECLINED = "declined", _("Declined")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Not signed in")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        REPRESENTED = "represented", _("Represented")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="invitations")
    department = models.ForeignKey(Department, models.PROTECT, related_name="+",
                                   verbose_name=_("member unit"))  # fmt: skip
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices,
                              default=Answer.PENDING)  # fmt: skip
    delegate = models.CharField(_("delegate"), max_length=60, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=200, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                    blank=True, related_name="+")  # fmt: skip
    answered_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(_("attendance"), max_length=12, choices=Attendance.choices,
                                  default=Attendance.UNKNOWN, blank=True)  # fmt: skip
    represented_by = models.CharField(_("represented by"), max_length=60, blank=True)
    report = models.TextField(_("work report"), blank=True)
    report_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                  blank=True, related_name="+")  # fmt: skip
    report_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "department__area__code", "department__order", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "department"], name="meetings_one_invitation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.department_id}"


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def visible_to(self, user: User) -> ActionItemQuerySet:
        units = liaison_units(user)
        mine = Q(department_id__in=units) if units else Q(pk__in=[])
        return self.filter(office_q(user) | mine)

    def open(self) -> ActionItemQuerySet:
        return self.exclude(state=ActionItem.State.DONE)

    def overdue(self, today: date | None = None) -> ActionItemQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())


class ActionItem(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="items")
    area_code = models.CharField(max_length=12, db_index=True, editable=False)
    department = models.ForeignKey(Department, models.PROTECT, related_name="+",
                                   verbose_name=_("member unit"))  # fmt: skip
    title = models.CharField(_("decision"), max_length=200)
    working_days = models.PositiveSmallIntegerField(_("working days to complete"))
    due_on = models.DateField(_("deadline"))
    due_provisional = models.BooleanField(default=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices,
                             default=State.OPEN)  # fmt: skip
    done_at = models.DateTimeField(null=True, blank=True)
    done_on_time = models.BooleanField(null=True)
    outcome = models.TextField(_("what was done"), blank=True)
    # 催办: the deadline last chased (a recomputed deadline is chased again when missed).
    urged_for = models.DateField(null=True, blank=True)
    urged_at = models.DateTimeField(null=True, blank=True)
    supervised = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["state", "due_on"], name="meetings_item_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(working_days__gte=1, working_days__lte=250),
                name="meetings_item_days_1_250",
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | Q(done_at__isnull=False),
                name="meetings_item_done_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date | None = None) -> bool:
        return self.state != ActionItem.State.DONE and self.due_on < (today or timezone.localdate())


class ActionNote(models.Model):
    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress")
        DONE = "done", _("Completed")
        URGED = "urged", _("Chased")
        SUPERVISED = "supervised", _("Supervised")

    item = models.ForeignKey(ActionItem, models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                           related_name="+")  # fmt: skip
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.kind}"
