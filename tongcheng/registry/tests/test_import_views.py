"""The import pages: template, upload → report → commit / cancel, ladder and audit."""

from __future__ import annotations

import io

import pytest
import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.registry.models import ImportJob, Person
from tongcheng.registry.tests.test_import import COMMUNITY_A, good_rows, ledger_bytes

pytestmark = pytest.mark.django_db

LIST = "/registry/import/"


def upload(client: Client, data: bytes, name: str = "台账.xlsx", community: str = COMMUNITY_A):
    return client.post(
        LIST, {"community": community, "file": SimpleUploadedFile(name, data)}, follow=False
    )


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_refuses_the_read_only_inspector_and_other_roles(cast) -> None:
    assert cast.client("inspector").get(LIST).status_code == 403
    assert cast.client("leader").get(LIST).status_code == 403


def test_it_shows_the_upload_form_with_the_writable_communities(cast) -> None:
    response = cast.client("street").get(LIST)
    assert response.status_code == 200
    choices = dict(response.context["form"].fields["community"].choices)
    assert COMMUNITY_A in choices and "140403002001" not in choices


def test_it_serves_the_template_with_drop_downs(cast) -> None:
    response = cast.client("community_a").get("/registry/import/template.xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names[:2] == ["台账", "填写说明"]
    rows = list(book.get_sheet_by_name("台账").iter_rows())
    assert rows[0][:3] == ["序号", "姓名", "民族"]
    options = list(book.get_sheet_by_name("选项").iter_rows())
    assert options[0][1:3] == ["男", "拉面/餐饮经营"]
    assert "回族" in [row[0] for row in options]


def test_it_uploads_checks_and_commits_a_small_ledger(cast) -> None:
    client = cast.client("community_a")
    response = upload(client, ledger_bytes(good_rows(3)))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/registry/import/{job.pk}/"
    assert job.state == ImportJob.State.READY
    assert job.summary["create"] == 3
    page = client.get(f"/registry/import/{job.pk}/")
    assert page.status_code == 200
    assert Person.objects.count() == 0  # a dry run so far
    response = client.post(f"/registry/import/{job.pk}/commit/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert Person.objects.filter(area_code=COMMUNITY_A).count() == 3
    event = AuditEvent.objects.get(action="person.import")
    assert event.user_id == cast.community_a.pk
    assert event.object_id == str(job.pk)
    assert event.detail["created"] == 3


def test_it_reports_errors_by_row_and_column_and_cannot_commit(cast) -> None:
    client = cast.client("community_a")
    rows = good_rows(3)
    rows[1][2] = "火星族"
    upload(client, ledger_bytes(rows))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(6, "民族 (C)")]
    page = client.get(f"/registry/import/{job.pk}/").content.decode()
    assert "火星族" in page and "民族 (C)" in page
    client.post(f"/registry/import/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.INVALID
    assert Person.objects.count() == 0


def test_it_refuses_unsafe_files_in_the_form(cast) -> None:
    client = cast.client("community_a")
    response = upload(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    response = upload(client, ledger_bytes(good_rows(1)), name="台账.xls")
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_it_refuses_a_resubmitted_file(cast) -> None:
    client = cast.client("community_a")
    data = ledger_bytes(good_rows(2))
    upload(client, data)
    job = ImportJob.objects.get()
    client.post(f"/registry/import/{job.pk}/commit/")
    response = upload(client, data, name="again.xlsx")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]  # "already imported …"
    assert ImportJob.objects.count() == 1


def test_it_hides_imports_of_other_communities(cast) -> None:
    upload(cast.client("community_a"), ledger_bytes(good_rows(1)))
    job = ImportJob.objects.get()
    assert cast.client("community_b").get(f"/registry/import/{job.pk}/").status_code == 404
    assert cast.client("other_district").post(f"/registry/import/{job.pk}/commit/").status_code == (
        404
    )
    assert cast.client("street").get(f"/registry/import/{job.pk}/").status_code == 200


def test_it_cancels_an_import(cast) -> None:
    client = cast.client("community_a")
    upload(client, ledger_bytes(good_rows(1)))
    job = ImportJob.objects.get()
    response = client.post(f"/registry/import/{job.pk}/cancel/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.CANCELLED and job.content is None
    assert AuditEvent.objects.filter(action="import.cancel", object_id=str(job.pk)).exists()


def test_it_runs_large_imports_in_the_background_with_progress(cast, monkeypatch) -> None:
    from django.core.management import call_command

    from tongcheng.registry import importer

    monkeypatch.setattr(importer, "SYNC_ROWS", 2)
    client = cast.client("community_a")
    upload(client, ledger_bytes(good_rows(5)))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.VALIDATING  # waits for the worker
    partial = client.get(f"/registry/import/{job.pk}/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in partial.content.decode()
    call_command("run_imports", "--once", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.state == ImportJob.State.READY and job.rows_done == 5
    client.post(f"/registry/import/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.IMPORTING
    call_command("run_imports", "--once", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert Person.objects.count() == 5
    assert AuditEvent.objects.get(action="person.import").user_id == cast.community_a.pk
