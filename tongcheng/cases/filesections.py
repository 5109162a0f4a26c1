"""The file page's section of cases: the person's cases the user sees, and "open a case"."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.models import Case
from tongcheng.cases.serviceselectors import valid_certification
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


def certification_section(user: User, person: Any) -> FileSectionContent | None:
    """The person's valid hardship certification (one query; the file page's audit covers it)."""
    if not may_open(user, "cases:case_detail"):
        return None
    found = valid_certification(person.pk)
    if found is None:
        return FileSectionContent(_("Hardship certification"), [], [], _("No valid certification."))
    text = _("%(serial)s · valid %(start)s to %(end)s · %(office)s") % {
        "serial": found.serial, "start": found.valid_from.isoformat(),
        "end": found.valid_until.isoformat(), "office": found.department.name,
    }  # fmt: skip
    # The certificate page has the case pages' readers, so the link opens for this user.
    url = reverse("cases:certificate", args=[found.pk])
    return FileSectionContent(_("Hardship certification"), [FileItem(text, url)], [])


FILE_SECTIONS = [
    FileSection("cases", case_section, order=10),
    FileSection("certification", certification_section, order=11),
]
