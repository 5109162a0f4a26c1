"""An import's dry run looks up every ID number of the file city-wide: one `ledger.lookup` event
with the count and the keyed hashes, counted against IMPORT_LOOKUP_LIMIT_PER_DAY; a file that
needs more look-ups than are left today is refused before its check starts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from tongcheng.audit.models import AuditEvent
from tongcheng.registry import allowance
from tongcheng.registry.actions import imports
from tongcheng.registry.identifiers import id_number_hash
from tongcheng.registry.models import ImportJob
from tongcheng.registry.tests.test_import import COMMUNITY_A, good_rows, id_number, ledger_bytes
from tongcheng.registry.tests.test_import_views import upload

pytestmark = pytest.mark.django_db


def test_it_audits_the_dry_runs_look_ups_with_their_hashes(cast: Any) -> None:
    response = upload(cast.client("community_a"), ledger_bytes(good_rows(3)))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    (event,) = AuditEvent.objects.filter(action="ledger.lookup")
    assert event.object_type == "import" and event.object_id == str(job.pk)
    assert event.user_id == cast.community_a.pk and event.area_code == COMMUNITY_A
    assert event.detail["lookups"] == 3
    assert event.detail["hashes"] == [id_number_hash(id_number(n)) for n in range(3)]
    assert id_number(0) not in str(event.detail)
    assert allowance.used_today(cast.community_a, allowance.IMPORT_LOOKUPS) == 3


@override_settings(IMPORT_LOOKUP_LIMIT_PER_DAY=5)
def test_it_refuses_a_file_needing_more_look_ups_than_are_left(cast: Any) -> None:
    client = cast.client("community_a")
    assert upload(client, ledger_bytes(good_rows(3))).status_code == 302
    refused = upload(client, ledger_bytes(good_rows(3, start=10)))
    assert refused.status_code == 200
    message = " ".join(refused.context["form"].errors["file"])
    assert "3" in message and "2" in message and "5" in message and "身份证号" in message
    # Refused before it starts: no job, no look-up.
    assert ImportJob.objects.count() == 1
    assert AuditEvent.objects.filter(action="ledger.lookup").count() == 1
    # What is left still fits a smaller file; another account has its own budget.
    assert upload(client, ledger_bytes(good_rows(2, start=20))).status_code == 302
    assert upload(cast.client("street"), ledger_bytes(good_rows(3, start=30))).status_code == 302


@override_settings(IMPORT_LOOKUP_LIMIT_PER_DAY=10, LOOKUP_LIMIT_PER_DAY=1)
def test_it_keeps_the_import_budget_apart_from_the_search_limit(cast: Any) -> None:
    client = cast.client("community_a")
    assert upload(client, ledger_bytes(good_rows(4))).status_code == 302
    assert client.get("/registry/", {"q": "1234"}).status_code == 200
    assert allowance.used_today(cast.community_a, allowance.LOOKUPS) == 1
    assert allowance.used_today(cast.community_a, allowance.IMPORT_LOOKUPS) == 4


@override_settings(IMPORT_LOOKUP_LIMIT_PER_DAY=5)
def test_it_holds_a_background_dry_runs_look_ups_until_its_event(
    cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "SYNC_ROWS", 2)
    client = cast.client("community_a")
    assert upload(client, ledger_bytes(good_rows(3))).status_code == 302
    assert upload(client, ledger_bytes(good_rows(3, start=10))).status_code == 302
    first, second = ImportJob.objects.order_by("pk")
    assert first.state == second.state == ImportJob.State.VALIDATING
    # The first check, still waiting, holds its 3 rows: the second's 3 do not fit in 5.
    imports.process_job(job_id=second.pk)
    second.refresh_from_db()
    assert second.state == ImportJob.State.FAILED
    assert "3" in second.summary["failure"] and "身份证号" in second.summary["failure"]
    assert not AuditEvent.objects.filter(action="ledger.lookup").exists()
    imports.process_job(job_id=first.pk)
    assert AuditEvent.objects.get(action="ledger.lookup").detail["lookups"] == 3
    assert allowance.used_today(cast.community_a, allowance.IMPORT_LOOKUPS) == 3
