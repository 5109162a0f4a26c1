"""A file's history lines in words on the person page (history.change_words)."""

from __future__ import annotations

from django import template

from tongcheng.registry.history import change_words
from tongcheng.registry.models import PersonChange

register = template.Library()


@register.simple_tag
def history_words(change: PersonChange) -> str:
    return change_words(change)
