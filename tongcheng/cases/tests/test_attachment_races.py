"""Several people attaching to one case at once: the case's limit holds, and the files of the
refused ones are erased (both engines; on PostgreSQL the race is real)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongcheng.cases.attachmentmodels import CaseAttachment
from tongcheng.cases.attachments import store
from tongcheng.cases.attachments.actions import attachments_add
from tongcheng.cases.attachments.rules import check_upload
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.tests.factories import open_case
from tongcheng.conftest import run_concurrently
from tongcheng.lib.tests import filesamples as samples
from tongcheng.org.models import User


@pytest.mark.django_db(transaction=True)
def test_four_at_once_on_the_last_free_place_attach_one(
    committed_cast: Any, settings: Any, tmp_path: Any
) -> None:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.ATTACHMENT_MAX_PER_CASE = 3
    case = open_case(committed_cast.community_a, committed_cast.areas["community_a"])
    officer = committed_cast.community_a
    for index in range(2):
        checked = check_upload(SimpleUploadedFile(f"{index}.png", samples.png(1, index + 1)))
        attachments_add(actor=officer, case_id=case.pk, files=[checked])

    def attach(index: int) -> int:
        upload = SimpleUploadedFile(f"race-{index}.png", samples.png(2, index + 1))
        actor = User.objects.get(pk=officer.pk)
        (added,) = attachments_add(actor=actor, case_id=case.pk, files=[check_upload(upload)])
        return added.pk

    results = run_concurrently(attach, 4)
    won = [r for r in results if isinstance(r, int)]
    lost = [r for r in results if isinstance(r, CaseRefused)]
    assert len(won) == 1 and len(lost) == 3, results
    assert CaseAttachment.objects.filter(case=case).count() == 3
    # Only the files of the three attachments are on disk: the refused ones wrote none.
    assert {key for key, _modified in store.stored()} == set(
        CaseAttachment.objects.values_list("storage_key", flat=True)
    )
