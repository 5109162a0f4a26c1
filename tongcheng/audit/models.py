"""The append-only audit trail: who did what to which object, never the personal values."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.roles import Role


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_object(self, object_type: str, object_id: str) -> "AuditEventQuerySet":
        return self.filter(object_type=object_type, object_id=str(object_id))

    def update(self, **kwargs: object) -> int:
        raise AuditImmutableError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("audit events cannot be deleted")


class AuditImmutableError(Exception):
    pass


# What people read on screens for an action code. Codes stay as they are in the trail (they are
# what filters match); a code missing here is shown as is.
ACTION_LABELS = {
    "login.success": _("Logged in"),
    "login.failure": _("Failed login"),
    "login.locked": _("Login locked"),
    "login.refused_demo": _("Demo account refused"),
    "logout": _("Logged out"),
    "session.expired": _("Session expired"),
    "two_factor.enrol": _("Enrolled two-factor"),
    "password.change": _("Changed password"),
    "user.list": _("Viewed account list"),
    "user.view": _("Viewed account"),
    "user.create": _("Created account"),
    "user.update": _("Edited account"),
    "user.enable": _("Enabled account"),
    "user.disable": _("Disabled account"),
    "user.reset_two_factor": _("Reset two-factor"),
    "membership.grant": _("Granted role"),
    "membership.revoke": _("Removed role"),
    "area.rollout_set": _("Set rollout stage"),
    "area.rollout_clear": _("Cleared rollout stage"),
    "service_point.create": _("Created service point"),
    "service_point.update": _("Edited service point"),
    "audit.view": _("Viewed audit trail"),
    "audit.purge": _("Purged expired audit events"),
    "api_token.create": _("Created API token"),
    "api_token.revoke": _("Revoked API token"),
    "demo.seed": _("Loaded demo data"),
}


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("Allowed")
        DENIED = "denied", _("Denied")
        ERROR = "error", _("Error")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # Plain ids, not foreign keys: the trail outlives accounts and objects and never cascades.
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True, db_index=True)
    username = models.CharField(_("account"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    area_code = models.CharField(_("area"), max_length=12, blank=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    # Field names (never values), row counts and similar facts about the action.
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["user_id", "-at"], name="audit_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AuditImmutableError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("audit events cannot be deleted")

    @property
    def action_label(self) -> str:
        if self.action.startswith("deny:"):
            return str(_("Access denied"))
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role
