"""A case's attachments: documents and photos kept with the case (cases/attachments/).

The row holds what the pages list (the sender's file name, cleaned; the kind; the type found
from the bytes; the size; who and when) and the sha256 of the clear bytes; the bytes themselves
are an encrypted file under settings.ATTACHMENT_ROOT named by `storage_key`, a random name that
says nothing of the case or the file. A removal keeps the row (who removed it, when, why) and
erases the file: the record that something was attached stays, its content does not.

Seen exactly where its case is seen (`CaseRowQuerySet`, the case's own `visible_to`). Imported
by `cases.models` (one line), so Django sees the model; it names the case by its label, so
there is no cycle.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.servicemodels import CaseRowQuerySet

NAME_LIMIT = 100


class CaseAttachment(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        PHOTO = "photo", _("Photo")

    case = models.ForeignKey(
        "cases.Case", models.PROTECT, related_name="attachments", verbose_name=_("case")
    )
    name = models.CharField(_("file name"), max_length=NAME_LIMIT)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64, editable=False)
    storage_key = models.CharField(max_length=32, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.TextField(_("reason for the removal"), blank=True)

    objects = CaseRowQuerySet["CaseAttachment"].as_manager()

    class Meta:
        ordering = ["case_id", "uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["case", "uploaded_at"], name="attachment_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True)
                | (Q(removed_by__isnull=False) & ~Q(removal_reason="")),
                name="attachment_removed_by_whom_and_why",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
