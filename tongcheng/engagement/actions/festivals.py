"""The city office enters a year's festival dates (the dates announced in China can differ by
a day from the computed ones); the forum slots of that year are counted again at once."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.engagement import summaries
from tongcheng.engagement.models import FestivalDate
from tongcheng.org.models import User


@transaction.atomic
def festival_save(
    *, actor: User, year: int, eid_al_adha: date | None, eid_al_fitr: date | None, source: str
) -> FestivalDate:
    problems: dict[str, str] = {}
    if eid_al_adha is not None and eid_al_adha.year != year:
        problems["eid_al_adha"] = _("Choose a day of %(year)d.") % {"year": year}
    if eid_al_fitr is not None and eid_al_fitr.year != year:
        problems["eid_al_fitr"] = _("Choose a day of %(year)d.") % {"year": year}
    if not source.strip():
        problems["source"] = _("Say where the date was announced.")
    if problems:
        raise ValidationError(problems)
    row, _created = FestivalDate.objects.select_for_update().update_or_create(
        year=year,
        defaults={"eid_al_adha": eid_al_adha, "eid_al_fitr": eid_al_fitr,
                  "source": source.strip(), "entered_by": actor},
    )  # fmt: skip
    changed = summaries.resync_forum_year(year)
    audit_record(
        actor=actor, action="festival.save", object_type="festival", object_id=year,
        detail={"forum_slots": changed},
    )  # fmt: skip
    return row
