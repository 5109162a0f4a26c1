"""Notifications in the app (the bell), by email, in the daily digest, and text messages.

A `Notification` is one user's note of one event (`key`: at most one per user and key, so an
event announced by a sweep that runs every few minutes is announced once). Its email is sent by
the worker (`email_state`). `Preference` is the user's choice of what comes by email and whether
the digest comes. `TextMessage` is the outbox of the SMS gateway: the number is kept encrypted
only until the gateway has taken it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Email(models.TextChoices):
        NONE = "", _("Not by email")
        PENDING = "pending", _("To be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=120)
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=8, choices=Email.choices, blank=True, default="")
    email_attempts = models.PositiveSmallIntegerField(default=0)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_idx"),
            models.Index(
                fields=["created_at"],
                condition=Q(email_state="pending"),
                name="notification_email_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class Preference(models.Model):
    """One user's notification settings (no row: the defaults)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notify_preference"
    )
    # Kinds by email: the user's explicit choices, each code → on or off (unlisted: the default).
    email = models.JSONField(default=dict)
    digest = models.BooleanField(_("daily digest by email"), default=True)
    digest_sent_on = models.DateField(null=True, blank=True)
    # The user's mobile for urgent text messages (encrypted; empty: none).
    mobile_enc = models.TextField(blank=True)
    mobile_last4 = models.CharField(max_length=4, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user_id)


class TextMessage(models.Model):
    """One text message for the SMS gateway (outbox; sent by the worker, retried with backoff)."""

    class State(models.TextChoices):
        PENDING = "pending", _("To be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")
        NO_GATEWAY = "no_gateway", _("Not sent: no gateway configured")

    key = models.CharField(max_length=120, unique=True)
    to_enc = models.TextField(blank=True)  # cleared once the gateway took the message
    to_last4 = models.CharField(max_length=4, blank=True)
    text = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="textmessage_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.key
