"""`manage.py seed_cases`: demo cases in every state, made by the real moves."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tongcheng.cases.attachmentmodels import CaseAttachment
from tongcheng.cases.attachments.reads import attachment_content
from tongcheng.cases.circulation import circulation
from tongcheng.cases.desk import desk_sections
from tongcheng.cases.models import HANDLING_STATES, Case, CaseEvent, Extension, State
from tongcheng.cases.provisional import provisional_list
from tongcheng.org.contributions import acting_for
from tongcheng.org.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_settings(settings: Any, tmp_path: Any) -> None:
    settings.DEBUG = True
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"


def test_it_seeds_cases_in_every_state_once(cast: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_ledger", "--count", "200", stdout=StringIO())
    out = StringIO()
    call_command("seed_cases", "--count", "80", stdout=out)
    assert "Demo cases: 85" in out.getvalue()
    states = set(Case.objects.values_list("state", flat=True))
    assert states >= {State.CLOSED, State.IN_PROGRESS, State.DISPATCHED, State.REPLIED}
    assert Case.objects.filter(due_provisional=True).exists()
    assert Case.objects.filter(person__isnull=False).exists()
    assert Case.objects.filter(person__isnull=True).exists()
    # Approved, the caller still to be told (the hotline's follow-up queue reads these).
    told = Extension.objects.filter(state=Extension.State.APPROVED, caller_told_at__isnull=True)
    assert told.filter(case__state__in=HANDLING_STATES).exists()
    # Every case's history is in order and ends in its state.
    for case in Case.objects.all():
        steps = list(CaseEvent.objects.filter(case=case).order_by("at", "pk"))
        assert steps[0].action == "open" and steps[-1].to_state == case.state
    _every_desk_section_has_rows()
    # A photo and a PDF on a few open cases of 和平社区, encrypted and openable.
    assert "Demo attachments: 6" in out.getvalue()
    kinds = sorted(set(CaseAttachment.objects.values_list("kind", "content_type")))
    assert kinds == [("document", "application/pdf"), ("photo", "image/png")]
    first = CaseAttachment.objects.earliest("pk")
    assert attachment_content(first).startswith(b"\x89PNG")
    call_command("seed_cases", stdout=out)
    assert "already there" in out.getvalue()
    assert Case.objects.count() == 85 and CaseAttachment.objects.count() == 6


def test_it_refuses_without_debug(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_cases")


def _every_desk_section_has_rows() -> None:
    """The demo's district and city offices see a row in every section of their desk."""
    for username in ("luzhou.office", "city.admin"):
        office = User.objects.get(username=username)
        with acting_for(office, "cases:desk"):
            empty = [s.key for s in desk_sections(office) if not s.rows]
            listed = circulation(office).count
        assert empty == [] and listed >= 1, username
    admin = User.objects.get(username="city.admin")
    with acting_for(admin, "cases:provisional"):
        assert provisional_list(admin).years
