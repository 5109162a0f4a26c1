"""The file page's section of cases: the person's cases the user sees, and "open a case"."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.models import Case
from tongcheng.lib.contributions import FileItem, FileSection, FileSectionContent
from tongcheng.org.contributions import acting_for, may_open
from tongcheng.org.models import User

SHOWN = 10


def case_section(user: User, person: Any) -> FileSectionContent | None:
    """The person's latest cases (one bounded query); None for a user who may not see cases."""
    if not may_open(user, "cases:case_detail"):
        return None
    with acting_for(user, "cases:case_detail"):
        cases = list(
            Case.objects.visible_to(user)
            .filter(person=person)
            .select_related("service")
            .order_by("-received_at", "-pk")[:SHOWN]
        )
    items = [
        FileItem(
            f"{case.service.name} · {case.get_state_display()}",
            reverse("cases:case_detail", args=[case.pk]),
            case.number,
        )
        for case in cases
    ]
    actions = []
    if may_open(user, "cases:case_create"):
        actions.append(FileItem(_("Open a case"), reverse("cases:case_create", args=[person.pk])))
    return FileSectionContent(_("Cases"), items, actions, _("No case yet."))


FILE_SECTIONS = [FileSection("cases", case_section, order=10)]
