"""The ledger list: scope, masking, filters, search, paging, constant query count, audit."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
B = "140403002001"
OTHER = "140404001001"
URL = reverse("registry:person_list")


def test_it_redirects_anonymous_users(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(URL).status_code == 302


def test_it_refuses_roles_without_record_access(cast: Cast) -> None:
    assert cast.client("leader").get(URL).status_code == 403
    assert cast.client("liaison").get(URL).status_code == 403


def test_it_lists_only_files_in_scope_masked(cast: Cast) -> None:
    own = make_person(A, name="马晓梅", phone="13812345678")
    make_person(B, name="韩秀兰")
    make_person(OTHER, name="白玉龙")
    response = cast.client("community_a").get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "马晓梅" in content and "韩秀兰" not in content and "白玉龙" not in content
    assert "138****5678" in content and "13812345678" not in content
    event = AuditEvent.objects.get(action="person.list")
    assert event.detail == {"ids": [own.pk]}
    district = cast.client("district").get(URL).content.decode()
    assert "马晓梅" in district and "韩秀兰" in district and "白玉龙" not in district
    assert cast.client("inspector").get(URL).status_code == 200


def test_it_filters(cast: Cast) -> None:
    today = timezone.localdate()
    make_person(
        A,
        name="马晓梅",
        occupation="construction",
        origin_region="622924",
        permit_expires_on=today + timedelta(days=10),
    )
    make_person(A, name="韩秀兰", ethnicity="05", occupation="student", status="moved_away")
    client = cast.client("community_a")

    def names(**query: str) -> set[str]:
        content = client.get(URL, query).content.decode()
        return {name for name in ("马晓梅", "韩秀兰") if name in content}

    assert names(ethnicity="05") == {"韩秀兰"}
    assert names(province="62") == {"马晓梅"}
    assert names(occupation="student") == {"韩秀兰"}
    assert names(status="moved_away") == {"韩秀兰"}
    assert names(permit_expiring="on") == {"马晓梅"}
    assert names(gaps="on") == {"马晓梅", "韩秀兰"}  # neither has an address
    assert names(area=A) == {"马晓梅", "韩秀兰"}
    assert names(q="韩") == {"韩秀兰"}
    assert AuditEvent.objects.filter(action="person.search", detail__kind="name").exists()


def test_it_pages_50_rows(cast: Cast) -> None:
    for i in range(51):
        make_person(A, name=f"马{chr(0x4E00 + i)}", id_number="")
    client = cast.client("community_a")
    first = client.get(URL)
    assert len(first.context["rows"]) == 50 and first.context["has_next"]
    second = client.get(URL, {"page": 2})
    assert len(second.context["rows"]) == 1 and not second.context["has_next"]


def test_it_uses_the_same_number_of_queries_whatever_the_data(cast: Cast) -> None:
    client = cast.client("district")
    make_person(A, name="马晓梅")
    client.get(URL)  # warm the reference cache
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"status": "active"})
    for i in range(30):
        make_person(A if i % 2 else B, name=f"韩{chr(0x4E00 + i)}")
    with CaptureQueriesContext(connection) as many:
        client.get(URL, {"status": "active"})
    # Session, account, memberships, the page of files (with ethnicity and community), the
    # filter form's choices, "may create" and the audit event: never one query per row.
    assert len(many) == len(few)
