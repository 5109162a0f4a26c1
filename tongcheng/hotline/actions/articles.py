"""The knowledge base's one write: saving an entry (the city office)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tongcheng.audit.services import audit_record
from tongcheng.hotline.forms import ArticleForm
from tongcheng.hotline.models import Article
from tongcheng.org.models import User


@transaction.atomic
def article_save(*, actor: User, form: ArticleForm) -> Article:
    article = form.save(commit=False)
    created = article.pk is None
    article.updated_by = actor
    article.updated_at = timezone.now()
    article.save()
    audit_record(
        actor=actor, action="hotline.article_save", object_type="article",
        object_id=article.pk, detail={"created": created, "fields": sorted(form.changed_data)},
    )  # fmt: skip
    return article
