"""What the user chooses after the dry run — the sheet, the valid rows only, the rejected rows
as a workbook — and what the upload request does not do (parse a large workbook)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import python_calamine
from django.core.management import call_command

from tongcheng.audit.models import AuditEvent
from tongcheng.registry.actions import imports
from tongcheng.registry.models import ImportJob, Person
from tongcheng.registry.tests.test_import import COMMUNITY_A, good_rows, ledger_bytes
from tongcheng.registry.tests.test_import_shapes import HEADER, INSTRUCTIONS, person, workbook
from tongcheng.registry.tests.test_import_views import run_worker, upload

pytestmark = pytest.mark.django_db


def with_errors() -> bytes:
    rows = good_rows(4)
    rows[1][2] = "火星族"  # Excel row 6
    rows[3][4] = "622924198506010000"  # Excel row 8: a wrong check digit
    return ledger_bytes(rows)


def test_it_imports_the_valid_rows_only_in_one_step_and_keeps_the_rejected_in_the_summary(
    cast,
) -> None:
    client = cast.client("community_a")
    upload(client, with_errors())
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.READY
    assert job.summary["errors"] == 2 and job.summary["error_rows"] == [6, 8]
    page = client.get(f"/registry/import/{job.pk}/").content.decode()
    assert f"/registry/import/{job.pk}/commit-valid/" in page
    assert f"/registry/import/{job.pk}/rejected.xlsx" in page
    assert "只导入无误的行（2份档案）" in page and "下载错误行" in page  # in Chinese
    response = client.post(f"/registry/import/{job.pk}/commit-valid/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert job.summary["valid_only"] is True and job.summary["left_out"] == 2
    assert job.summary["result"]["created"] == 2
    assert Person.objects.filter(area_code=COMMUNITY_A).count() == 2
    assert AuditEvent.objects.get(action="person.import").detail["created"] == 2
    # The upload is erased with the import: the page said to download the rejected rows first.
    assert page.index("下载错误行") < page.index("只导入无误的行")
    late = client.get(f"/registry/import/{job.pk}/rejected.xlsx", follow=True)
    assert "已删除" in late.content.decode()


def test_it_imports_the_valid_rows_only_in_the_background_too(cast, monkeypatch) -> None:
    monkeypatch.setattr(imports, "SYNC_ROWS", 2)
    client = cast.client("community_a")
    upload(client, with_errors())
    run_worker()
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.READY and job.summary["error_rows"] == [6, 8]
    client.post(f"/registry/import/{job.pk}/commit-valid/")
    assert Person.objects.count() == 0  # nothing written in the request
    run_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and Person.objects.count() == 2


def test_it_downloads_the_rejected_rows_with_their_reasons_audited(cast) -> None:
    client = cast.client("community_a")
    upload(client, with_errors())
    job = ImportJob.objects.get()
    response = client.get(f"/registry/import/{job.pk}/rejected.xlsx")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = b"".join(response.streaming_content)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][: len(rows[0]) - 1] == [
        "序号", "姓名", "民族", "性别", "公民身份号码", "联系电话", "籍贯", "现住址",
        "从业情况", "来长日期",
    ]  # fmt: skip
    assert rows[0][-1] == "错误原因"
    assert [row[0] for row in rows[1:]] == [2, 4]  # the 序号 of the rejected rows
    assert rows[1][2] == "火星族" and "民族" in rows[1][-1]
    assert "公民身份号码" in rows[2][-1]
    event = AuditEvent.objects.get(action="import.rejected")
    assert event.object_id == str(job.pk) and event.detail == {"rows": 2}
    # Uploaded again as it is, the file is read by the importer (and still has the errors).
    again = upload(client, data, name="rejected.xlsx")
    assert again.status_code == 302
    assert ImportJob.objects.latest("id").summary["errors"] == 2


def test_it_keeps_the_rejected_rows_to_the_community_and_writing_roles(cast) -> None:
    upload(cast.client("community_a"), with_errors())
    job = ImportJob.objects.get()
    url = f"/registry/import/{job.pk}/rejected.xlsx"
    assert cast.client("community_b").get(url).status_code == 404
    assert cast.client("inspector").get(url).status_code == 403
    assert cast.client("street").get(url).status_code == 200
    assert not AuditEvent.objects.filter(action="import.rejected", user_id=cast.community_b.pk)


def test_it_says_which_sheet_it_read_and_checks_another_when_asked(cast) -> None:
    data = workbook(
        INSTRUCTIONS,
        ("1号楼", [HEADER, person(1), person(2)], []),
        ("2号楼", [HEADER, person(3)], []),
    )
    client = cast.client("community_a")
    upload(client, data)
    job = ImportJob.objects.get()
    assert job.summary["sheet"] == "1号楼" and job.summary["create"] == 2
    assert [s["name"] for s in job.summary["sheets"]] == ["1号楼", "2号楼"]
    page = client.get(f"/registry/import/{job.pk}/").content.decode()
    assert "读取的是工作表“1号楼”" in page and f"/registry/import/{job.pk}/sheet/" in page
    client.post(f"/registry/import/{job.pk}/sheet/", {"sheet": "2号楼"})
    job.refresh_from_db()
    assert job.state == ImportJob.State.READY
    assert job.summary["sheet"] == "2号楼" and job.summary["create"] == 1
    assert AuditEvent.objects.filter(action="import.sheet", object_id=str(job.pk)).exists()
    client.post(f"/registry/import/{job.pk}/sheet/", {"sheet": "填表说明"})  # no header
    job.refresh_from_db()
    assert job.summary["sheet"] == "2号楼"
    client.post(f"/registry/import/{job.pk}/commit/")
    assert list(Person.objects.values_list("name", flat=True)) == ["马四明"]


def test_it_never_parses_a_large_workbook_in_the_upload_request(cast, monkeypatch) -> None:
    """The request checks the file and counts its rows in the XML; python-calamine (which
    parses the workbook) runs only in the worker."""
    monkeypatch.setattr(imports, "SYNC_ROWS", 2)
    opened: list[object] = []
    real = python_calamine.CalamineWorkbook.from_filelike

    def spy(stream: object) -> object:
        opened.append(stream)
        return real(stream)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", spy)
    upload(cast.client("community_a"), ledger_bytes(good_rows(5)))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.VALIDATING and opened == []
    assert job.rows_total == 8  # an estimate: the rows in the XML, title, unit and header too
    run_worker()
    job.refresh_from_db()
    assert opened and job.state == ImportJob.State.READY and job.rows_total == 5


def test_it_refuses_an_upload_over_the_row_cap_in_the_form(cast, settings) -> None:
    settings.IMPORT_MAX_ROWS = 3
    response = upload(cast.client("community_a"), ledger_bytes(good_rows(60)))
    assert response.status_code == 200
    assert "3" in str(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_it_imports_the_sheet_named_on_the_command_line(cast, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(
        workbook(
            INSTRUCTIONS, ("1号楼", [HEADER, person(1)], []), ("2号楼", [HEADER, person(3)], [])
        )
    )
    out = io.StringIO()
    call_command("import_ledger", str(path), "--community", COMMUNITY_A, "--sheet", "3",
                 "--dry-run", stdout=out)  # fmt: skip
    assert "sheet   2号楼" in out.getvalue() and "1 to create" in out.getvalue()
    out = io.StringIO()
    call_command("import_ledger", str(path), "--community", COMMUNITY_A, "--sheet", "1号楼",
                 stdout=out)  # fmt: skip
    assert "other sheets with a ledger header: 2号楼" in out.getvalue()
    assert list(Person.objects.values_list("name", flat=True)) == ["马二明"]
