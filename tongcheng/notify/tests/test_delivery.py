"""What the worker sends: emails once, the digest once a working day, texts through a real
local HTTP server standing in for the SMS gateway (retries with backoff, no number kept)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from tongcheng.notify.delivery import MAX_ATTEMPTS, digest_send, emails_send, texts_send
from tongcheng.notify.models import Notification, Preference, TextMessage
from tongcheng.notify.services import notify, text_message_queue
from tongcheng.org.models import User

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _note(user: User, key: str) -> None:
    notify(users=[user.pk], kind="case.dispatched", key=key,
           params={"number": "202612030000001", "service": "求职登记", "unit": "人社局"},
           url="/cases/1/")  # fmt: skip


def _written_before_the_week() -> None:
    """The notifications as if written on Friday 4 December 2026, whatever today is."""
    Notification.objects.update(created_at=datetime(2026, 12, 4, 16, 0, tzinfo=SHANGHAI))


def _with_email(username: str) -> User:
    User.objects.filter(username=username).update(email=f"{username}@example.cn")
    return User.objects.get(username=username)


def test_it_emails_each_pending_notification_once(cast: Any) -> None:
    user = _with_email("liaison")
    _note(user, "a")
    assert emails_send() == "1 sent, 0 failed"
    assert emails_send() == "0 sent, 0 failed"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["liaison@example.cn"]
    assert "202612030000001" in message.body and "/cases/1/" in message.body
    assert Notification.objects.get().email_state == "sent"


def test_it_sends_the_digest_on_a_working_morning_once(cast: Any) -> None:
    user = _with_email("liaison")
    _note(user, "a")
    _note(user, "b")
    _written_before_the_week()
    saturday = datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI)
    assert digest_send(now=saturday) == "not the time"
    early = datetime(2026, 12, 7, 7, 30, tzinfo=SHANGHAI)
    assert digest_send(now=early) == "not the time"
    monday = datetime(2026, 12, 7, 8, 15, tzinfo=SHANGHAI)
    assert digest_send(now=monday) == "1 digests"
    assert digest_send(now=monday + timedelta(hours=2)) == "0 digests"
    assert len(mail.outbox) == 1 and mail.outbox[0].body.count("202612030000001") == 2


def test_it_sends_no_digest_to_who_declined_it(cast: Any) -> None:
    user = _with_email("liaison")
    Preference.objects.create(user=user, digest=False)
    _note(user, "a")
    _written_before_the_week()
    assert digest_send(now=datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)) == "0 digests"


def test_it_hands_a_text_to_the_gateway_and_keeps_no_number(http_peer: Any) -> None:
    text_message_queue(key="case:1:v2:d3", to="13900001111", text="同城：紧急诉求")
    with override_settings(SMS_GATEWAY_URL=http_peer.url + "/sms", SMS_GATEWAY_TOKEN="t0k"):
        assert texts_send() == "1 sent"
        assert texts_send() == "nothing due"
    (request,) = http_peer.received
    assert request["body"] == {"id": "case:1:v2:d3", "to": "13900001111", "text": "同城：紧急诉求"}
    assert request["headers"]["Authorization"] == "Bearer t0k"
    message = TextMessage.objects.get()
    assert message.state == "sent" and message.to_enc == "" and message.to_last4 == "1111"


def test_it_retries_a_refused_text_with_backoff_then_gives_up(http_peer: Any) -> None:
    http_peer.statuses = [503] * MAX_ATTEMPTS
    text_message_queue(key="k", to="13900001111", text="同城")
    now = timezone.now()
    with override_settings(SMS_GATEWAY_URL=http_peer.url):
        assert texts_send(now=now) == "1 retry"
        assert texts_send(now=now) == "nothing due"  # waits a minute
        message = TextMessage.objects.get()
        assert message.next_attempt_at == now + timedelta(minutes=1)
        assert message.last_error == "HTTP 503"
        for day in range(1, MAX_ATTEMPTS):
            texts_send(now=now + timedelta(days=day))
    message = TextMessage.objects.get()
    assert message.state == "failed" and message.to_enc == ""
    assert len(http_peer.received) == MAX_ATTEMPTS


def test_it_says_so_when_no_gateway_is_configured() -> None:
    text_message_queue(key="k", to="13900001111", text="同城")
    with override_settings(SMS_GATEWAY_URL=""):
        assert texts_send() == "1 no_gateway"
    assert TextMessage.objects.get().to_enc == ""


def test_it_queues_a_text_once_per_key() -> None:
    for _ in range(2):
        text_message_queue(key="k", to="13900001111", text="同城")
    assert TextMessage.objects.count() == 1
