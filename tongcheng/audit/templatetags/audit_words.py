"""Filters that put an audit event's codes into words for people (labels.py)."""

from __future__ import annotations

from django import template

from tongcheng.audit.labels import object_words as _object_words
from tongcheng.audit.labels import reason_words as _reason_words

register = template.Library()


@register.simple_tag
def object_words(object_type: str, object_id: str) -> str:
    """`{% object_words event.object_type event.object_id %}` → "账户 #24"."""
    return _object_words(object_type, str(object_id or ""))


@register.filter
def reason_words(reason: str) -> str:
    """`{{ event.reason|reason_words }}`: a system's reason code in words, a typed one as is."""
    return _reason_words(reason or "")
