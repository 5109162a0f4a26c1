"""A case's attachments through the pages: who may attach and open them, what is refused, how
they are kept on disk, and what a failed write or a rolled-back transaction leaves."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.actions.workflow import case_close_direct, case_dispatch, case_return
from tongcheng.cases.attachmentmodels import CaseAttachment
from tongcheng.cases.attachments import store
from tongcheng.cases.attachments.actions import attachments_add, orphans_sweep
from tongcheng.cases.attachments.rules import check_upload
from tongcheng.cases.identifiers import open_attachment
from tongcheng.cases.models import Case, ReturnReason
from tongcheng.cases.tests.factories import open_case
from tongcheng.cases.tests.test_legal_aid import legal_case, team_member
from tongcheng.cases.tests.test_service_steps import post as service_post
from tongcheng.lib.crypto import DecryptionError
from tongcheng.lib.tests import filesamples as samples
from tongcheng.org.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_root(settings: Any, tmp_path: Any) -> Any:
    """A folder of this test's own: what it finds on disk is what it wrote."""
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    return settings.ATTACHMENT_ROOT


def _case(cast: Any, *, dispatched: bool = False, community: str = "community_a") -> Case:
    case = open_case(cast.city_admin, cast.areas[community])
    if dispatched:
        case = case_dispatch(
            actor=cast.city_admin, case_id=case.pk, expected_version=case.version,
            lead=Department.objects.get(code="city-hrss"),
        )  # fmt: skip
    return case


def _files(*named: tuple[str, bytes]) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, content) for name, content in named]


def _upload(client: Client, case: Case, *named: tuple[str, bytes], htmx: bool = False,
            field: str = "attach-file") -> Any:  # fmt: skip
    headers = {"HX-Request": "true"} if htmx else {}
    url = reverse("cases:attachment_upload", args=[case.pk])
    return client.post(url, {field: _files(*named)}, headers=headers)


def _attach(cast: Any, case: Case, name: str = "证明.png", content: bytes | None = None) -> Any:
    response = _upload(cast.client("community_a"), case, (name, content or samples.png()))
    assert response.status_code == 302, response.content.decode()
    return CaseAttachment.objects.filter(case=case).latest("pk")


def _download_url(attachment: CaseAttachment) -> str:
    return reverse("cases:attachment_download", args=[attachment.case_id, attachment.pk])


def _keys_on_disk() -> set[str]:
    return {key for key, _modified in store.stored()}


def test_it_attaches_a_photo_and_a_document_and_lists_them(cast: Any) -> None:
    case = _case(cast)
    officer = cast.client("community_a")
    response = _upload(
        officer, case, ("门牌照片.png", samples.png()), ("申请表.pdf", samples.pdf())
    )
    assert response.status_code == 302
    rows = list(CaseAttachment.objects.filter(case=case).order_by("pk"))
    assert [(a.name, a.kind, a.content_type) for a in rows] == [
        ("门牌照片.png", "photo", "image/png"),
        ("申请表.pdf", "document", "application/pdf"),
    ]
    assert rows[0].sha256 == hashlib.sha256(samples.png()).hexdigest()
    assert rows[0].uploaded_by == cast.community_a and rows[1].size == len(samples.pdf())
    events = AuditEvent.objects.filter(action="attachment.upload").order_by("id")
    assert [(e.object_type, e.object_id, e.detail["case"]) for e in events] == [
        ("case_attachment", str(rows[0].pk), case.pk),
        ("case_attachment", str(rows[1].pk), case.pk),
    ]
    page = officer.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "门牌照片.png" in page and "申请表.pdf" in page and _download_url(rows[0]) in page
    assert 'capture="environment"' in page and 'enctype="multipart/form-data"' in page


def test_it_takes_a_photo_from_the_camera_field_too(cast: Any) -> None:
    case = _case(cast)
    response = _upload(cast.client("community_a"), case, ("image.jpg", samples.jpeg()),
                       field="attach-photo")  # fmt: skip
    assert response.status_code == 302
    assert CaseAttachment.objects.get(case=case).kind == CaseAttachment.Kind.PHOTO


def test_it_climbs_the_ladder_of_attaching(cast: Any, client: Client) -> None:
    case = _case(cast, dispatched=True)
    photo = ("证明.png", samples.png())
    assert _upload(client, case, photo).status_code == 302  # to the login page
    assert not CaseAttachment.objects.exists()
    assert _upload(cast.client("other_district"), case, photo).status_code == 404
    assert _upload(cast.client("community_b"), case, photo).status_code == 404
    for role in ("inspector", "leader", "volunteer", "sys_admin"):
        assert _upload(cast.client(role), case, photo).status_code == 403, role
    assert not CaseAttachment.objects.exists()
    # Whoever may act on it: the centre, the street, the district, the operator, its unit.
    for index, role in enumerate(("community_a", "street", "district", "hotline", "liaison")):
        sent = _upload(cast.client(role), case, (f"{role}.png", samples.png(2, 2 + index)))
        assert sent.status_code == 302, role
    assert CaseAttachment.objects.filter(case=case).count() == 5


def test_it_opens_an_attachment_for_whoever_sees_the_case_and_audits_each_opening_once(
    cast: Any,
) -> None:
    attachment = _attach(cast, _case(cast, dispatched=True))
    url = _download_url(attachment)
    seen = ("community_a", "street", "district", "inspector", "hotline", "liaison", "city_admin")
    for role in seen:
        before = AuditEvent.objects.count()
        response = cast.client(role).get(url)
        assert response.status_code == 200, role
        events = list(AuditEvent.objects.order_by("id")[before:])
        assert [(e.action, e.object_type, e.object_id, e.detail) for e in events] == [
            ("attachment.download", "case_attachment", str(attachment.pk),
             {"case": attachment.case_id}),
        ], role  # fmt: skip
    for role, status in (("community_b", 404), ("other_district", 404), ("volunteer", 404),
                         ("leader", 403), ("sys_admin", 403)):  # fmt: skip
        assert cast.client(role).get(url).status_code == status, role
    assert Client().get(url).status_code == 302
    opened = AuditEvent.objects.filter(action="attachment.download", outcome="allowed")
    assert opened.count() == len(seen)


def test_it_opens_a_legal_aid_case_attachment_for_its_volunteer_only_once_assigned(
    cast: Any,
) -> None:
    volunteer = team_member(cast)
    case = legal_case(cast, consent=True)
    attachment = _attach(cast, case)
    mine = cast.client("volunteer")
    assert mine.get(_download_url(attachment)).status_code == 404
    assert (
        service_post(cast.client("district"), case, "assign", volunteer=volunteer.pk).status_code
        == 302
    )
    assert mine.get(_download_url(attachment)).status_code == 200
    assert _upload(mine, case, ("x.png", samples.png(3, 3))).status_code == 403


def test_it_answers_the_bytes_never_sniffed_never_cached(cast: Any) -> None:
    case = _case(cast)
    photo = _attach(cast, case, "门牌 照片.png")
    document = _attach(cast, case, "申请表.pdf", samples.pdf())
    client = cast.client("community_a")
    shown = client.get(_download_url(photo))
    assert shown.content == samples.png() and shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline; filename*=utf-8''")
    kept = client.get(_download_url(document))
    assert kept.content == samples.pdf() and kept["Content-Type"] == "application/pdf"
    assert (
        kept["Content-Disposition"]
        == "attachment; filename*=utf-8''%E7%94%B3%E8%AF%B7%E8%A1%A8.pdf"
    )
    for response in (shown, kept):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Length"] == str(len(response.content))


def test_it_keeps_each_file_encrypted_and_bound_to_its_case(cast: Any) -> None:
    case = _case(cast)
    plain = samples.pdf() + b"%% the person's own words: " + "马晓梅 13812345678".encode()
    attachment = _attach(cast, case, "申请表.pdf", plain)
    path = store.path_of(attachment.storage_key)
    sealed = path.read_bytes()
    assert plain not in sealed and b"%PDF" not in sealed and "马晓梅".encode() not in sealed
    assert path.is_relative_to(store.root()) and oct(path.stat().st_mode & 0o777) == "0o600"
    assert "申请表" not in str(path) and path.name == attachment.storage_key
    assert open_attachment(sealed, case_id=case.pk, key=attachment.storage_key) == plain
    # Moved to another case or another name, it does not open.
    with pytest.raises(DecryptionError):
        open_attachment(sealed, case_id=case.pk + 1, key=attachment.storage_key)
    with pytest.raises(DecryptionError):
        open_attachment(sealed, case_id=case.pk, key=store.new_key())


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("setup.pdf", samples.EXE, "的文件类型不能上传"),
        ("page.html", samples.HTML, "的文件类型不能上传"),
        ("logo.svg", samples.SVG, "的文件类型不能上传"),
        ("报表.docm", samples.docm(), "含有宏"),
        ("旧表.doc", samples.OLE, "旧版"),
        ("空白.pdf", b"", "是空的"),
    ],
)
def test_it_refuses_a_file_it_does_not_take_naming_it(
    cast: Any, name: str, content: bytes, says: str
) -> None:
    case = _case(cast)
    response = _upload(
        cast.client("community_a"), case, ("好的.png", samples.png()), (name, content)
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert f"“{name}”" in page and says in page, page
    # Nothing of the request was kept: not the good file either.
    assert not CaseAttachment.objects.exists() and _keys_on_disk() == set()


def test_it_refuses_a_file_over_the_size_limit(cast: Any, settings: Any) -> None:
    settings.ATTACHMENT_MAX_MB = 1
    case = _case(cast)
    big = samples.jpeg(1024 * 1024 + 1)
    response = _upload(cast.client("community_a"), case, ("大照片.jpg", big))
    assert response.status_code == 400
    assert "“大照片.jpg”超过 1 MB" in response.content.decode()
    assert (
        _upload(
            cast.client("community_a"), case, ("照片.jpg", samples.jpeg(1024 * 1024))
        ).status_code
        == 302
    )


def test_it_refuses_more_files_than_a_case_holds_until_one_is_removed(
    cast: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ATTACHMENT_MAX_PER_CASE = 3
    case = _case(cast)
    officer = cast.client("community_a")
    assert (
        _upload(
            officer, case, ("1.png", samples.png(1, 1)), ("2.png", samples.png(1, 2))
        ).status_code
        == 302
    )
    refused = _upload(officer, case, ("3.png", samples.png(1, 3)), ("4.png", samples.png(1, 4)))
    assert refused.status_code == 409
    assert "最多 3 个附件" in refused.content.decode()
    assert CaseAttachment.objects.filter(case=case).count() == 2
    first = CaseAttachment.objects.filter(case=case).earliest("pk")
    url = reverse("cases:attachment_remove", args=[case.pk, first.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert officer.post(url, {f"remove-{first.pk}-reason": "传错了文件"}).status_code == 302
    assert (
        _upload(
            officer, case, ("3.png", samples.png(1, 3)), ("4.png", samples.png(1, 4))
        ).status_code
        == 302
    )
    assert CaseAttachment.objects.filter(case=case, removed_at__isnull=True).count() == 3


def test_it_refuses_a_file_already_on_the_case(cast: Any) -> None:
    case = _case(cast)
    _attach(cast, case, "第一次.png")
    again = _upload(cast.client("community_a"), case, ("又一次.png", samples.png()))
    assert again.status_code == 409
    assert "“又一次.png”已在本诉求中（即“第一次.png”）" in again.content.decode()


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../../etc/cron.d/x.png", "x.png"),
        ("..\\..\\windows\\system32\\证件.png", "证件.png"),
        ("\u202egnp.exe", "gnp.exe.png"),
        ("名" * 300 + ".png", "名" * 96 + ".png"),
    ],
)
def test_it_keeps_a_sent_name_as_a_label_only(cast: Any, sent: str, kept: str) -> None:
    case = _case(cast)
    assert check_upload(SimpleUploadedFile(sent, samples.png())).name == kept
    attachment = _attach(cast, case, sent)
    assert attachment.name == kept
    # The file itself is named by its key, inside the folder, whatever was sent.
    assert store.path_of(attachment.storage_key).parent.parent == store.root()
    response = cast.client("community_a").get(_download_url(attachment))
    assert "/" not in response["Content-Disposition"].split("filename", 1)[1]


def test_it_stops_opening_the_attachments_to_a_unit_that_returned_the_case(cast: Any) -> None:
    case = _case(cast, dispatched=True)
    attachment = _attach(cast, case)
    unit = cast.client("liaison")
    assert unit.get(_download_url(attachment)).status_code == 200
    fresh = Case.objects.get(pk=case.pk)
    case_return(actor=cast.liaison, case_id=case.pk, expected_version=fresh.version,
                reason=ReturnReason.NOT_OUR_DUTY, basis="不属于本单位职责")  # fmt: skip
    assert unit.get(_download_url(attachment)).status_code == 404
    assert _upload(unit, case, ("x.png", samples.png(2, 5))).status_code == 404
    assert cast.client("district").get(_download_url(attachment)).status_code == 200


def test_it_takes_no_file_once_the_case_is_closed(cast: Any) -> None:
    case = _case(cast)
    case_close_direct(actor=cast.city_admin, case_id=case.pk, expected_version=case.version,
                      answer="已当场答复")  # fmt: skip
    response = _upload(cast.client("community_a"), case, ("晚到.png", samples.png()))
    assert response.status_code == 409 and "办结" in response.content.decode()
    page = cast.client("community_a").get(reverse("cases:case_detail", args=[case.pk]))
    assert (
        f'action="{reverse("cases:attachment_upload", args=[case.pk])}"'
        not in page.content.decode()
    )


def test_it_offers_the_inspector_the_list_but_no_form(cast: Any) -> None:
    case = _case(cast)
    attachment = _attach(cast, case)
    page = (
        cast.client("inspector").get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    )
    assert _download_url(attachment) in page
    assert f'action="{reverse("cases:attachment_upload", args=[case.pk])}"' not in page
    assert reverse("cases:attachment_remove", args=[case.pk, attachment.pk]) not in page


@pytest.mark.parametrize("n", [0, 1, 6])
def test_it_shows_the_case_page_in_a_fixed_number_of_queries(
    cast: Any, n: int, django_assert_num_queries: Any
) -> None:
    case = _case(cast, dispatched=True)
    for index in range(n):
        _attach(cast, case, f"{index}.png", samples.png(1, index + 1))
    client = cast.client("community_a")
    url = reverse("cases:case_detail", args=[case.pk])
    client.get(url)  # warm the session and the calendar
    # session, account, memberships (the shell), savepoint, the case with its joins, the audit
    # event, the pending extension, the area of the lead unit (the offers), the history, the
    # units, the service's panel, the attachments with who uploaded and removed them, release.
    with django_assert_num_queries(13):
        response = client.get(url)
    assert response.content.decode().count('class="fw-semibold tc-tap text-break"') == n


def test_it_leaves_no_attachment_when_the_file_cannot_be_written(
    cast: Any, monkeypatch: Any
) -> None:
    case = _case(cast)

    def disk_full(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "replace", disk_full)
    response = _upload(
        cast.client("community_a"), case, ("a.png", samples.png()), ("b.pdf", samples.pdf())
    )
    assert response.status_code == 503
    assert "未能保存" in response.content.decode()
    assert not CaseAttachment.objects.exists()
    assert not AuditEvent.objects.filter(action="attachment.upload").exists()
    assert _keys_on_disk() == set() and list((store.root() / store.TEMPORARY).iterdir()) == []


def test_it_erases_the_second_files_first_file_when_the_second_fails(
    cast: Any, monkeypatch: Any
) -> None:
    case = _case(cast)
    real = store.os.replace
    calls: list[str] = []

    def second_fails(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(5, "I/O error")
        real(source, target)

    monkeypatch.setattr(store.os, "replace", second_fails)
    response = _upload(
        cast.client("community_a"), case, ("a.png", samples.png()), ("b.pdf", samples.pdf())
    )
    assert response.status_code == 503 and len(calls) == 2
    assert not CaseAttachment.objects.exists() and _keys_on_disk() == set()


def test_it_counts_no_file_a_rolled_back_transaction_left_and_sweeps_it(cast: Any) -> None:
    case = _case(cast)
    with transaction.atomic():
        (added,) = attachments_add(
            actor=cast.community_a, case_id=case.pk,
            files=[check_upload(SimpleUploadedFile("a.png", samples.png()))],
        )  # fmt: skip
        transaction.set_rollback(True)
    # The file is there, its row is not: nothing lists, counts or opens it.
    assert _keys_on_disk() == {added.storage_key}
    assert not CaseAttachment.objects.exists()
    page = cast.client("community_a").get(reverse("cases:case_detail", args=[case.pk]))
    assert "0 / 20" in page.content.decode()
    assert orphans_sweep().erased == 0  # within the grace of an upload in progress
    later = orphans_sweep(now=timezone.now() + timedelta(hours=2))
    assert (later.erased, later.missing) == (1, 0) and _keys_on_disk() == set()
    assert AuditEvent.objects.filter(action="attachment.sweep", detail__erased=1).count() == 1


def test_it_sweeps_only_files_no_present_attachment_holds(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = _case(cast)
    kept = _attach(cast, case, "kept.png", samples.png(1, 1))
    gone = _attach(cast, case, "gone.png", samples.png(1, 2))
    url = reverse("cases:attachment_remove", args=[case.pk, gone.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cast.client("community_a").post(url, {f"remove-{gone.pk}-reason": "拍错了人"})
    assert len(callbacks) == 1  # the erasure waits for the commit, which a test never reaches
    result = orphans_sweep(now=timezone.now() + timedelta(hours=2))
    assert result.erased == 1 and _keys_on_disk() == {kept.storage_key}
    store.erase(kept.storage_key)
    assert orphans_sweep().missing == 1


def test_it_removes_an_attachment_keeping_who_when_and_why(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = _case(cast)
    attachment = _attach(cast, case, "错的人.png")
    url = reverse("cases:attachment_remove", args=[case.pk, attachment.pk])
    field = f"remove-{attachment.pk}-reason"
    short = cast.client("community_a").post(url, {field: "错"})
    assert short.status_code == 400 and "移除理由" in short.content.decode()
    # Someone else who may act on the case, but neither the uploader nor the office.
    other = cast.client("street").post(url, {field: "不是这个案件的"})
    assert other.status_code == 409 and "只有上传文件的人或区" in other.content.decode()
    assert cast.client("inspector").post(url, {field: "不是这个案件的"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        done = cast.client("community_a").post(url, {field: "传错了人的照片"})
    assert done.status_code == 302
    removed = CaseAttachment.objects.get(pk=attachment.pk)
    assert removed.removed_by == cast.community_a and removed.removal_reason == "传错了人的照片"
    assert removed.removed_at is not None and _keys_on_disk() == set()
    event = AuditEvent.objects.get(action="attachment.remove")
    assert (event.object_id, event.reason, event.detail) == (
        str(attachment.pk),
        "传错了人的照片",
        {"case": case.pk},
    )
    assert cast.client("community_a").get(_download_url(attachment)).status_code == 404
    page = (
        cast.client("district").get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    )
    assert (
        "错的人.png" in page and "传错了人的照片" in page and _download_url(attachment) not in page
    )
    again = cast.client("district").post(url, {field: "再删一次试试"})
    assert again.status_code == 409


def test_it_lets_the_district_office_remove_any_attachment(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = _case(cast)
    attachment = _attach(cast, case)
    url = reverse("cases:attachment_remove", args=[case.pk, attachment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        done = cast.client("district").post(url, {f"remove-{attachment.pk}-reason": "涉及他人隐私"})
    assert done.status_code == 302 and CaseAttachment.objects.get().removed_by == cast.district


def test_it_answers_htmx_with_the_panel_refusals_included(cast: Any) -> None:
    case = _case(cast)
    officer = cast.client("community_a")
    done = _upload(officer, case, ("门牌.png", samples.png()), htmx=True)
    body = done.content.decode()
    assert done.status_code == 200 and done["X-Tc-Panel"] == "attachments"
    assert body.startswith("\n<section") or body.lstrip().startswith("<section")
    assert "门牌.png" in body and "已上传：门牌.png。" in body and "<html" not in body
    refused = _upload(officer, case, ("setup.pdf", samples.EXE), htmx=True)
    assert refused.status_code == 400 and refused["X-Tc-Panel"] == "attachments"
    assert "“setup.pdf”的文件类型不能上传" in refused.content.decode()
    empty = officer.post(
        reverse("cases:attachment_upload", args=[case.pk]), headers={"HX-Request": "true"}
    )
    assert empty.status_code == 400 and "请选择文件或拍照" in empty.content.decode()


def test_it_shows_a_lost_file_as_unavailable_not_an_error(cast: Any) -> None:
    case = _case(cast)
    attachment = _attach(cast, case)
    store.erase(attachment.storage_key)
    response = cast.client("community_a").get(_download_url(attachment))
    assert response.status_code == 503 and "无法读取" in response.content.decode()
    assert not AuditEvent.objects.filter(action="attachment.download").exists()


def test_it_never_opens_an_attachment_through_another_case(cast: Any) -> None:
    attachment = _attach(cast, _case(cast))
    other = _case(cast)
    url = reverse("cases:attachment_download", args=[other.pk, attachment.pk])
    assert cast.client("community_a").get(url).status_code == 404
