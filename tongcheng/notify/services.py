"""Writing notifications and text messages (every app's one way to tell a user something).

`notify` writes one notification per user and key: a key names the event ("case:12:urged:3"),
so however often a sweep announces it, each user hears of it once (a unique constraint, and
ON CONFLICT DO NOTHING, so two sweeps at once still write one row); `notify_many` does the
same for many events in one go. `text_message_queue` puts a text message in the outbox, once
per key. The worker sends both (notify/delivery.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tongcheng.audit.services import audit_record
from tongcheng.notify.identifiers import message_to_columns, mobile_columns, mobile_of
from tongcheng.notify.kinds import all_kinds
from tongcheng.notify.models import Notification, Preference, TextMessage
from tongcheng.org.models import User


def wants_email(preference: Preference | None, kind: str) -> bool:
    """Whether this kind comes by email to the user (their choice, else the kind's default)."""
    chosen = preference.email if preference is not None else {}
    if kind in chosen:
        return bool(chosen[kind])
    registered = all_kinds().get(kind)
    return bool(registered and registered.email_by_default)


def notify(
    *, users: Iterable[int], kind: str, key: str, params: Mapping[str, object], url: str = ""
) -> None:
    """Tell each user (by id) of one event, once per user and key; email where they want it."""
    notify_many([Notice(tuple(users), kind, key, params, url)])


@dataclass(frozen=True)
class Notice:
    """One event to tell `users` of (what `notify` takes)."""

    users: tuple[int, ...]
    kind: str
    key: str
    params: Mapping[str, object]
    url: str = ""


def notify_many(notices: Iterable[Notice]) -> None:
    """`notify` for many events at once, in the same three queries (a sweep's hundreds of
    deadlines: three queries, not three per deadline)."""
    wanted = [(notice, sorted(set(notice.users))) for notice in notices]
    ids = sorted({user_id for _notice, users in wanted for user_id in users})
    if not ids:
        return
    emails = dict(User.objects.filter(pk__in=ids).values_list("pk", "email"))
    preferences = {p.user_id: p for p in Preference.objects.filter(user_id__in=ids)}
    rows = [
        Notification(
            user_id=user_id,
            kind=notice.kind,
            key=notice.key,
            params=dict(notice.params),
            url=notice.url,
            email_state=(
                Notification.Email.PENDING
                if emails.get(user_id) and wants_email(preferences.get(user_id), notice.kind)
                else Notification.Email.NONE
            ),
        )
        for notice, users in wanted
        for user_id in users
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


def text_message_queue(*, key: str, to: str, text: str) -> None:
    """Put one text message in the outbox (once per key); `to` is a normalised number."""
    if not to:
        return
    TextMessage.objects.bulk_create(
        [TextMessage(key=key, text=text[:300], **message_to_columns(to))], ignore_conflicts=True
    )


def urgent_text_to_users(*, users: Iterable[int], key: str, text: str) -> None:
    """A text message to each user (by id) who gave a mobile for urgent messages."""
    for preference in Preference.objects.filter(user_id__in=set(users)).exclude(mobile_enc=""):
        text_message_queue(
            key=f"{key}:u{preference.user_id}", to=mobile_of(preference.mobile_enc), text=text
        )


def notifications_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; how many changed."""
    mine = Notification.objects.filter(user=user).unread()
    if pk is not None:
        mine = mine.filter(pk=pk)
    return mine.update(read_at=timezone.now())


@transaction.atomic
def preference_save(
    *, actor: User, email: Mapping[str, bool], digest: bool, mobile: str
) -> Preference:
    """Save the actor's own notification settings (PhoneError for a bad mobile)."""
    columns = mobile_columns(mobile)
    preference, _created = Preference.objects.get_or_create(user=actor)
    preference.email = {code: bool(on) for code, on in email.items() if code in all_kinds()}
    preference.digest = digest
    preference.mobile_enc = columns["mobile_enc"]
    preference.mobile_last4 = columns["mobile_last4"]
    preference.save()
    audit_record(
        actor=actor,
        action="notify.preferences",
        object_type="account",
        object_id=actor.pk,
        detail={"email_kinds": sum(preference.email.values()), "digest": digest,
                "mobile": bool(columns["mobile_enc"])},
    )  # fmt: skip
    return preference
