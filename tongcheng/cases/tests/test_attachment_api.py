"""A case's attachments through the REST API: the same rules, scope and audit as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor
from tongcheng.cases.actions.workflow import case_dispatch, case_return
from tongcheng.cases.attachmentmodels import CaseAttachment
from tongcheng.cases.models import Case, ReturnReason
from tongcheng.cases.tests.factories import open_case
from tongcheng.lib.tests import filesamples as samples
from tongcheng.org.actions.tokens import api_token_create
from tongcheng.org.models import Department
from tongcheng.tests.test_api_contract import DOCUMENT, assert_declared

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_root(settings: Any, tmp_path: Any) -> None:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"


def _case(cast: Any) -> Case:
    case = open_case(cast.city_admin, cast.areas["community_a"])
    return case_dispatch(actor=cast.city_admin, case_id=case.pk, expected_version=case.version,
                         lead=Department.objects.get(code="city-hrss"))  # fmt: skip


def _list_url(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/attachments"


def _send(client: Client, case: Case, name: str, content: bytes, **headers: str) -> Any:
    return client.post(_list_url(case), {"file": SimpleUploadedFile(name, content)},
                       headers=headers)  # fmt: skip


def test_it_attaches_lists_opens_and_removes_through_the_api(cast: Any) -> None:
    case = _case(cast)
    officer = cast.client("community_a")
    sent = _send(officer, case, "申请表.pdf", samples.pdf())
    assert sent.status_code == 201, sent.json()
    assert_declared("/cases/{pk}/attachments", "post", sent)
    body = sent.json()
    assert (body["name"], body["kind"], body["content_type"]) == (
        "申请表.pdf",
        "document",
        "application/pdf",
    )
    attachment = CaseAttachment.objects.get(pk=body["id"])
    before = AuditEvent.objects.count()
    listed = officer.get(_list_url(case))
    assert listed.status_code == 200
    assert_declared("/cases/{pk}/attachments", "get", listed)
    assert [item["id"] for item in listed.json()["items"]] == [attachment.pk]
    assert listed.json()["held"] == 1 and listed.json()["limit"] == 20
    event = AuditEvent.objects.get(id__gt=AuditEvent.objects.order_by("id")[before - 1].id)
    assert (event.action, event.object_id, event.detail["ids"]) == (
        "attachment.list",
        str(case.pk),
        [attachment.pk],
    )
    opened = officer.get(body["download"])
    assert opened.status_code == 200 and opened.content == samples.pdf()
    assert opened["Content-Type"] == "application/pdf"
    assert opened["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(action="attachment.download", object_id=str(attachment.pk),
                                     detail__case=case.pk).count() == 1  # fmt: skip
    removal = f"{_list_url(case)}/{attachment.pk}/removal"
    short = officer.post(removal, {"reason": "错"}, content_type="application/json")
    assert short.status_code == 400 and short.json()["errors"][0]["field"] == "reason"
    done = officer.post(removal, {"reason": "传错了文件"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["removed"] and done.json()["download"] is None
    assert officer.get(body["download"]).status_code == 404


def test_it_uploads_with_a_token_within_the_attachment_limit(cast: Any, settings: Any) -> None:
    settings.ATTACHMENT_MAX_MB = 1
    case = _case(cast)
    _record, token = api_token_create(actor=Actor.system(), account=cast.community_a,
                                      name="t", days=1)  # fmt: skip
    client = Client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert _send(client, case, "照片.jpg", samples.jpeg(900_000), **bearer).status_code == 201
    # Over the attachment's limit but under the request's: refused by the check, naming it.
    big = _send(client, case, "大照片.jpg", samples.jpeg(2 * 1024 * 1024), **bearer)
    assert big.status_code == 400 and "“大照片.jpg”超过 1 MB" in big.json()["detail"]
    assert_declared("/cases/{pk}/attachments", "post", big)
    # Over the request's limit: refused at the door.
    huge = _send(client, case, "太大.jpg", samples.jpeg(5 * 1024 * 1024), **bearer)
    assert huge.status_code == 413
    assert_declared("/cases/{pk}/attachments", "post", huge)
    # Another operation takes no file: the ordinary limit.
    other = client.post(
        "/api/v1/persons",
        {"file": SimpleUploadedFile("x.jpg", samples.jpeg(3 * 1024 * 1024))},
        headers=bearer,
    )
    assert other.status_code == 413


def test_it_takes_a_photo_above_the_ordinary_request_limit(cast: Any, settings: Any) -> None:
    # A phone's photo of 4 MB: under ATTACHMENT_MAX_MB (10), over the 2.5 MB of a request that
    # takes no file. The upload shares its path with the list, whose URL name Django resolves.
    assert settings.ATTACHMENT_MAX_MB == 10
    photo = samples.jpeg(4 * 1024 * 1024)
    sent = _send(cast.client("community_a"), _case(cast), "门牌.jpg", photo)
    assert sent.status_code == 201, sent.json()
    assert CaseAttachment.objects.get().size == len(photo)


@pytest.mark.parametrize(
    ("name", "content", "status", "says"),
    [
        ("setup.pdf", samples.EXE, 400, "“setup.pdf”的文件类型不能上传"),
        ("page.html", samples.HTML, 400, "“page.html”的文件类型不能上传"),
        ("空.png", b"", 400, "“空.png”是空的"),
        # A zip whose directory asks for a newer zip version: refused, not an error page.
        ("新.docx", samples.needing_newer_zip(samples.docx()), 400, "“新.docx”的文件类型不能上传"),
    ],
)
def test_it_refuses_a_file_it_does_not_take(
    cast: Any, name: str, content: bytes, status: int, says: str
) -> None:
    response = _send(cast.client("community_a"), _case(cast), name, content)
    assert response.status_code == status and says in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "file"
    assert not CaseAttachment.objects.exists()


def test_it_asks_for_the_file(cast: Any) -> None:
    response = cast.client("community_a").post(_list_url(_case(cast)))
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "file"
    assert_declared("/cases/{pk}/attachments", "post", response)


def test_it_refuses_a_full_case_with_409(cast: Any, settings: Any) -> None:
    settings.ATTACHMENT_MAX_PER_CASE = 1
    case = _case(cast)
    officer = cast.client("community_a")
    assert _send(officer, case, "1.png", samples.png(1, 1)).status_code == 201
    full = _send(officer, case, "2.png", samples.png(1, 2))
    assert full.status_code == 409 and "最多 1 个附件" in full.json()["detail"]
    assert_declared("/cases/{pk}/attachments", "post", full)


def test_it_keeps_the_scope_of_the_case(cast: Any) -> None:
    case = _case(cast)
    created = _send(cast.client("community_a"), case, "证明.png", samples.png()).json()
    download = created["download"]
    assert cast.client("other_district").get(download).status_code == 404
    assert cast.client("community_b").get(_list_url(case)).status_code == 404
    assert cast.client("leader").get(download).status_code == 403
    assert cast.client("inspector").get(download).status_code == 200
    refused = _send(cast.client("inspector"), case, "x.png", samples.png(1, 3))
    assert refused.status_code == 403
    assert cast.client("liaison").get(download).status_code == 200
    fresh = Case.objects.get(pk=case.pk)
    case_return(actor=cast.liaison, case_id=case.pk, expected_version=fresh.version,
                reason=ReturnReason.NOT_OUR_DUTY, basis="不属于本单位职责")  # fmt: skip
    assert cast.client("liaison").get(download).status_code == 404
    assert cast.client("liaison").get(_list_url(case)).status_code == 404


def test_it_declares_the_operations_and_the_files_they_answer() -> None:
    paths = DOCUMENT["paths"]
    item = paths["/api/v1/cases/{pk}/attachments/{attachment_pk}"]["get"]
    assert set(item["responses"]["200"]["content"]) >= {
        "application/pdf",
        "image/png",
        "image/heic",
    }
    upload = paths["/api/v1/cases/{pk}/attachments"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "post" in paths["/api/v1/cases/{pk}/attachments/{attachment_pk}/removal"]


def test_it_answers_a_case_number_past_any_id_with_404(cast: Any) -> None:
    # An id past the database's 64-bit integers reached SQLite as an OverflowError (a 500).
    client = cast.client("community_a")
    huge = 2**64 - 1
    for url in (f"/api/v1/cases/{huge}/attachments/1", f"/cases/{huge}/attachments/1/"):
        assert client.get(url).status_code == 404, url
    removal = client.post(f"/api/v1/cases/{huge}/attachments/1/removal", {},
                          content_type="application/json")  # fmt: skip
    assert removal.status_code == 404
