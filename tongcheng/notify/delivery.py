"""What the worker sends: notification emails, the daily digest and the text messages.

Each function is one round of a recurring job (notify/jobs.py), safe to run twice: a row is
taken under its lock (SKIP LOCKED, so two workers share the work) and marked in the same
transaction as it is sent, so a message goes at most once per success. A failed send is tried
again later, with backoff, and given up after MAX_ATTEMPTS.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongcheng.notify import gateway
from tongcheng.notify.identifiers import message_to
from tongcheng.notify.kinds import render
from tongcheng.notify.models import Notification, Preference, TextMessage
from tongcheng.org.models import User
from tongcheng.org.workcalendar import current_calendar

BATCH = 200
MAX_ATTEMPTS = 6


def backoff(attempts: int) -> timedelta:
    """The wait before attempt `attempts + 1`: 1, 2, 4, 8, 16 minutes … at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def emails_send() -> str:
    """Send the notification emails waiting (oldest first, one batch)."""
    sent = failed = 0
    for pk in (
        Notification.objects.filter(email_state=Notification.Email.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:BATCH]
    ):
        outcome = _email_one(pk)
        sent += outcome == "sent"
        failed += outcome == "failed"
    return f"{sent} sent, {failed} failed"


@transaction.atomic
def _email_one(pk: int) -> str:
    note = (
        Notification.objects.select_for_update(skip_locked=True)
        .select_related("user")
        .filter(pk=pk, email_state=Notification.Email.PENDING)
        .first()
    )
    if note is None:
        return "taken"
    with translation.override(settings.LANGUAGE_CODE):
        text = render(note.kind, note.params)
        body = f"{text}\n\n{_absolute(note.url)}" if note.url else text
        subject = _("[Tongcheng] %(text)s") % {"text": text[:60]}
    try:
        send_mail(subject, body, None, [note.user.email])
    except OSError:
        note.email_attempts += 1
        if note.email_attempts >= MAX_ATTEMPTS:
            note.email_state = Notification.Email.FAILED
        note.save(update_fields=["email_attempts", "email_state"])
        return "failed" if note.email_state == Notification.Email.FAILED else "retry"
    note.email_state = Notification.Email.SENT
    note.save(update_fields=["email_state"])
    return "sent"


def _absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def digest_send(*, now: datetime | None = None) -> str:
    """On a working day from DIGEST_AT on: each user who wants the digest, has an email and has
    unread notifications gets one email listing them, once that day."""
    moment = timezone.localtime(now or timezone.now())
    today = moment.date()
    if (
        moment.strftime("%H:%M") < settings.DIGEST_AT
        or not current_calendar().is_working_day(today).value
    ):
        return "not the time"
    waiting = (
        Notification.objects.unread()
        .filter(created_at__lt=moment)
        .values_list("user_id", flat=True)
        .distinct()
    )
    declined = Preference.objects.filter(digest=False).values("user_id")
    done_today = Preference.objects.filter(digest_sent_on=today).values("user_id")
    users = (
        User.objects.filter(pk__in=waiting, is_active=True)
        .exclude(email="")
        .exclude(pk__in=declined)
        .exclude(pk__in=done_today)
    )
    sent = sum(_digest_one(user.pk, today) for user in users.only("pk")[:BATCH])
    return f"{sent} digests"


@transaction.atomic
def _digest_one(user_id: int, today: date) -> bool:
    preference, _created = Preference.objects.get_or_create(user_id=user_id)
    preference = Preference.objects.select_for_update().get(pk=preference.pk)
    if preference.digest_sent_on == today or not preference.digest:
        return False
    user = User.objects.get(pk=user_id)
    notes = list(Notification.objects.filter(user_id=user_id).unread()[:50])
    if not notes:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        lines = [f"- {render(n.kind, n.params)}" for n in notes]
        subject = _("[Tongcheng] %(count)s things wait for you") % {"count": len(notes)}
        body = "\n".join(
            [_("Good morning. These wait for you in Tongcheng:"), "", *lines, "",
             _absolute(reverse("notify:list"))]
        )  # fmt: skip
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:
        return False  # tried again at the next round
    preference.digest_sent_on = today
    preference.save(update_fields=["digest_sent_on"])
    return True


def texts_send(*, now: datetime | None = None) -> str:
    """Hand the text messages due to the gateway (one batch)."""
    moment = now or timezone.now()
    due = TextMessage.objects.filter(
        state=TextMessage.State.PENDING, next_attempt_at__lte=moment
    ).order_by("next_attempt_at")
    counts = {"sent": 0, "retry": 0, "failed": 0, "no_gateway": 0, "taken": 0}
    for pk in due.values_list("pk", flat=True)[:BATCH]:
        counts[_text_one(pk, moment)] += 1
    return ", ".join(f"{n} {name}" for name, n in counts.items() if n) or "nothing due"


@transaction.atomic
def _text_one(pk: int, now: datetime) -> str:
    message = (
        TextMessage.objects.select_for_update(skip_locked=True)
        .filter(pk=pk, state=TextMessage.State.PENDING)
        .first()
    )
    if message is None:
        return "taken"
    if not gateway.configured():
        message.state = TextMessage.State.NO_GATEWAY
        message.to_enc = ""
        message.save(update_fields=["state", "to_enc"])
        return "no_gateway"
    message.attempts += 1
    try:
        gateway.send(key=message.key, to=message_to(message.to_enc), text=message.text)
    except gateway.GatewayError as exc:
        message.last_error = str(exc)[:200]
        if message.attempts >= MAX_ATTEMPTS:
            message.state = TextMessage.State.FAILED
            message.to_enc = ""
        else:
            message.next_attempt_at = now + backoff(message.attempts)
        message.save()
        return "failed" if message.state == TextMessage.State.FAILED else "retry"
    message.state = TextMessage.State.SENT
    message.sent_at = now
    message.to_enc = ""  # the gateway has it: keep no number
    message.last_error = ""
    message.save()
    return "sent"
