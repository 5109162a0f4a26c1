"""The file page's section of appointments: the person's appointments as a representative (the
history of their terms) and "appoint as a representative"."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongcheng.engagement.selectors import history
from tongcheng.lib.contributions import FileItem, FileSection, FileSectionContent
from tongcheng.org.contributions import acting_for, may_open
from tongcheng.org.models import User


def appointment_section(user: User, person: Any) -> FileSectionContent | None:
    """The person's appointments (one bounded query); None for a user who may not see them."""
    if not may_open(user, "engagement:representative_detail"):
        return None
    with acting_for(user, "engagement:representative_detail"):
        found = history(user, person)
    items = [
        FileItem(
            f"{rep.area.name} · {rep.term_from:%Y-%m-%d} – {rep.term_to:%Y-%m-%d} · "
            f"{rep.get_state_display()}",
            reverse("engagement:representative_detail", args=[rep.pk]),
            rep.serial,
        )
        for rep in found
    ]
    actions = []
    if may_open(user, "engagement:representative_create_for_file"):
        url = reverse("engagement:representative_create_for_file", args=[person.pk])
        actions.append(FileItem(_("Appoint as a representative"), url))
    return FileSectionContent(_("Representative appointments"), items, actions,
                              _("Never appointed a representative."))  # fmt: skip


FILE_SECTIONS = [FileSection("engagement", appointment_section, order=30)]
