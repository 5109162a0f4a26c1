"""Tags for the visits and movements sections of the person page (one query each, no N+1)."""

from __future__ import annotations

from django import template

from tongcheng.registry.models import Movement, Person, Visit

register = template.Library()

SHOWN = 10


@register.simple_tag
def recent_visits(person: Person) -> list[Visit]:
    return list(person.visits.select_related("officer")[:SHOWN])


@register.simple_tag
def recent_movements(person: Person) -> list[Movement]:
    return list(person.movements.select_related("from_area", "to_area")[:SHOWN])
