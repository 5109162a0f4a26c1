"""The bell, the list, opening and marking read, and one's notification settings."""

from __future__ import annotations

from typing import Any

import pytest

from tongcheng.audit.models import AuditEvent
from tongcheng.notify.identifiers import mobile_of
from tongcheng.notify.models import Notification, Preference
from tongcheng.notify.services import Notice, notify, notify_many
from tongcheng.org.models import User

pytestmark = pytest.mark.django_db


def _note(user: Any, key: str = "case:1:v2", url: str = "/cases/1/") -> None:
    notify(users=[user.pk], kind="case.dispatched", key=key,
           params={"number": "202612030000001", "service": "求职登记", "unit": "人社局"},
           url=url)  # fmt: skip


def test_it_writes_one_notification_per_user_and_key(cast: Any) -> None:
    for _ in range(3):
        _note(cast.liaison)
    assert Notification.objects.filter(user=cast.liaison).count() == 1


def test_it_writes_many_events_in_three_queries_as_one_at_a_time(
    cast: Any, django_assert_num_queries: Any
) -> None:
    User.objects.filter(pk=cast.district.pk).update(email="district@example.org")
    Preference.objects.create(user=cast.district, email={"case.due_soon": True})
    params = {"number": "202612030000001", "service": "求职登记", "due": "2026-12-04 17:30"}
    users = (cast.liaison.pk, cast.district.pk)
    notices = [
        Notice(users, "case.due_soon", f"case:{k}:due", params, f"/cases/{k}/") for k in range(5)
    ]
    with django_assert_num_queries(3):
        notify_many([*notices, Notice((), "case.overdue", "nobody", params)])
    notify_many(notices)  # again: nothing twice
    rows = Notification.objects.order_by("key", "user_id")
    assert [(n.key, n.user_id) for n in rows] == [
        (f"case:{k}:due", user) for k in range(5) for user in sorted(users)
    ]
    pending = {n.user_id for n in rows if n.email_state == Notification.Email.PENDING}
    assert pending == {cast.district.pk}


def test_it_sends_anonymous_visitors_to_the_login(client: Any) -> None:
    for url in ("/notifications/", "/notifications/bell/", "/notifications/settings/"):
        assert client.get(url).status_code == 302


def test_it_counts_the_unread_on_the_bell(cast: Any, django_assert_num_queries: Any) -> None:
    _note(cast.liaison, "a")
    _note(cast.liaison, "b")
    client = cast.client("liaison")
    client.get("/notifications/bell/")  # the session and account, once
    # Session, account, memberships (the policy); the request's savepoint around the capped
    # count.
    with django_assert_num_queries(6):
        answer = client.get("/notifications/bell/")
    assert answer.status_code == 200 and ">2<" in answer.content.decode().replace(" ", "")


def test_it_lists_only_ones_own_notifications(cast: Any, django_assert_num_queries: Any) -> None:
    _note(cast.liaison)
    _note(cast.district, "other")
    client = cast.client("liaison")
    client.get("/notifications/")
    # Session, account, memberships; the request's savepoint around the page's count and rows.
    with django_assert_num_queries(7):
        page = client.get("/notifications/").content.decode()
    assert "202612030000001" in page and page.count("tc-unread") == 1


def test_it_opens_a_notification_marking_it_read_and_refuses_anothers(cast: Any) -> None:
    _note(cast.liaison)
    note = Notification.objects.get(user=cast.liaison)
    assert cast.client("district").post(f"/notifications/{note.pk}/open/").status_code == 404
    # A GET (a link previewer, a prefetch) changes nothing.
    assert cast.client("liaison").get(f"/notifications/{note.pk}/open/").status_code == 405
    note.refresh_from_db()
    assert note.read_at is None
    answer = cast.client("liaison").post(f"/notifications/{note.pk}/open/")
    assert answer.status_code == 302 and answer["Location"] == "/cases/1/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_it_never_redirects_off_site(cast: Any) -> None:
    _note(cast.liaison, url="https://evil.example/")
    note = Notification.objects.get(user=cast.liaison)
    answer = cast.client("liaison").post(f"/notifications/{note.pk}/open/")
    assert answer["Location"] == "/notifications/"


def test_it_marks_all_read_by_post_only(cast: Any) -> None:
    _note(cast.liaison, "a")
    _note(cast.liaison, "b")
    client = cast.client("liaison")
    assert client.get("/notifications/read-all/").status_code == 405
    assert client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(user=cast.liaison).unread().exists()


def test_read_only_roles_settle_their_own_notifications(cast: Any) -> None:
    _note(cast.inspector)
    assert cast.client("inspector").post("/notifications/read-all/").status_code == 302


def test_it_saves_the_settings_with_an_encrypted_mobile_and_an_audit_event(cast: Any) -> None:
    client = cast.client("liaison")
    assert client.get("/notifications/settings/").status_code == 200
    answer = client.post(
        "/notifications/settings/",
        {"digest": "on", "mobile": "139 0000 1111", "email_case.dispatched": "on"},
    )
    assert answer.status_code == 302
    preference = Preference.objects.get(user=cast.liaison)
    assert preference.mobile_last4 == "1111" and "13900001111" not in preference.mobile_enc
    assert mobile_of(preference.mobile_enc) == "13900001111"
    assert preference.email["case.dispatched"] is True
    assert preference.email["case.overdue"] is False  # unticked: off, though on by default
    event = AuditEvent.objects.get(action="notify.preferences")
    assert "1111" not in str(event.detail)


def test_it_names_a_bad_mobile_in_chinese(cast: Any) -> None:
    answer = cast.client("liaison").post("/notifications/settings/", {"mobile": "12ab"})
    assert answer.status_code == 400
    assert "手机" in answer.content.decode() or "电话" in answer.content.decode()
    assert not Preference.objects.exists()


def test_it_emails_a_kind_only_as_the_user_chose(cast: Any) -> None:
    User.objects.filter(username="liaison").update(email="liaison@example.cn")
    _note(cast.liaison, "a")
    assert Notification.objects.get(key="a").email_state == "pending"  # on by default
    Preference.objects.create(user=cast.liaison, email={"case.dispatched": False})
    _note(cast.liaison, "b")
    assert Notification.objects.get(key="b").email_state == ""
