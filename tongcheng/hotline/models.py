"""The service line: the outside phone platform, its tickets and calls, the outbox of status
changes back to it, and the knowledge base the operators answer from.

A `Platform` is the public phone platform (五.3) with its HMAC secret (encrypted) and callback
URL. A `Ticket` is one platform ticket taken in: unique per platform and ticket id, so a ticket
delivered twice opens one case. The webhook only stores it (its fields encrypted); the
worker's job `hotline.tickets` opens its case, and then erases the stored fields. A `Call` is
a call event (ringing, answered, ended) the console pops up, with the number kept as the
ledger keeps phones. `OutboxMessage` is a status change of
a platform's case on its way back, retried with backoff. `Article` is a knowledge-base entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.models import Case, Service


class Platform(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    secret_enc = models.TextField(editable=False)  # the HMAC secret, encrypted
    callback_url = models.URLField(_("callback URL"), blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("phone platform")
        verbose_name_plural = _("phone platforms")

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", _("Received, case being opened")
        OPENED = "opened", _("Case opened")
        REFUSED = "refused", _("Refused")

    platform = models.ForeignKey(Platform, models.PROTECT, related_name="tickets")
    ticket_id = models.CharField(max_length=64)
    case = models.OneToOneField(
        Case, models.PROTECT, null=True, blank=True, related_name="platform_ticket"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.RECEIVED)
    # The ticket's fields as the webhook checked them, encrypted, until its case is open.
    fields_enc = models.TextField(blank=True, editable=False)
    # Why its case could not be opened: the names of the fields at fault, never their values.
    problem = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("platform ticket")
        verbose_name_plural = _("platform tickets")
        constraints = [
            models.UniqueConstraint(fields=["platform", "ticket_id"], name="ticket_once"),
        ]
        # The worker's queue (actions/platform.py, `tickets_open`): the few tickets waiting
        # among all those ever taken.
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(state="received"), name="ticket_waiting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform_id}:{self.ticket_id}"

    @staticmethod
    def receipt_of(pk: int) -> str:
        """The reference the platform is given for a ticket taken in."""
        return f"TK{pk:08d}"


class Call(models.Model):
    class State(models.TextChoices):
        RINGING = "ringing", _("Ringing")
        ANSWERED = "answered", _("Answered")
        ENDED = "ended", _("Ended")

    platform = models.ForeignKey(
        Platform, models.PROTECT, null=True, blank=True, related_name="calls"
    )
    call_id = models.CharField(max_length=64)
    phone_enc = models.TextField(editable=False)
    phone_hash = models.CharField(max_length=64, editable=False)
    phone_last4 = models.CharField(max_length=4, editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RINGING)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(Case, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(fields=["platform", "call_id"], name="call_once"),
        ]
        indexes = [models.Index(fields=["state", "-started_at"], name="call_state_idx")]

    def __str__(self) -> str:
        return self.call_id


class OutboxMessage(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("To be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")

    platform = models.ForeignKey(Platform, models.PROTECT, related_name="outbox")
    case = models.ForeignKey(Case, models.CASCADE, related_name="+")
    key = models.CharField(max_length=80, unique=True)
    body = models.JSONField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(state="pending"), name="outbox_pending_idx"
            )
        ]

    def __str__(self) -> str:
        return self.key


class ArticleQuerySet(models.QuerySet["Article"]):
    def in_use(self) -> ArticleQuerySet:
        return self.filter(active=True)


class Article(models.Model):
    """A knowledge-base entry: a policy question and its answer, per service."""

    service = models.ForeignKey(
        Service, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    title = models.CharField(_("title"), max_length=80)
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    basis = models.CharField(_("policy basis"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["service__order", "title"]
        verbose_name = _("knowledge-base entry")
        verbose_name_plural = _("knowledge-base entries")

    def __str__(self) -> str:
        return self.title
