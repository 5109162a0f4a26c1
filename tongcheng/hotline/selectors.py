"""Reads of the console: the screen pop of a number, the calls ringing, the follow-up calls due,
the knowledge base, a case's public progress; a platform's ticket by its id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tongcheng.cases.models import HANDLING_STATES, Case, Extension, Service, State, case_number
from tongcheng.cases.scope import case_prefixes
from tongcheng.hotline.models import Article, Call, Platform, Ticket
from tongcheng.lib.areacodes import subtree_q
from tongcheng.lib.masking import mask_name
from tongcheng.org.models import Area, User
from tongcheng.registry.identifiers import phone_hash
from tongcheng.registry.models import Person

POP_LIMIT = 10
RINGING_WITHIN = timedelta(minutes=10)


@dataclass(frozen=True)
class TicketReceipt:
    """What the platform is answered for a ticket: the receipt, and the case once open."""

    pk: int
    state: str  # Ticket.State
    case_number: str | None = None
    case_state: str | None = None

    @property
    def receipt(self) -> str:
        return Ticket.receipt_of(self.pk)


@dataclass(frozen=True)
class Delivery:
    """What one query tells the webhook about a request: the platform (to check the signature
    with), the ticket if it was taken in before, and whether the service and the community the
    body names exist. Looked up with the body's words before the signature is checked, and
    used only once it holds."""

    platform: Platform
    ticket: TicketReceipt | None
    service_known: bool
    community_known: bool


def delivery_lookup(code: str, ticket_id: str, service: str, community: str) -> Delivery | None:
    """The platform with this code (None when there is none in use) and the rest of `Delivery`,
    in one round trip. Raw SQL: the webhook asks it of every delivery, and the ORM would cost
    more to build the query than the database takes to answer it."""
    quote = connection.ops.quote_name
    sql = (
        "SELECT p.id, p.secret_enc, t.id, t.state, t.case_id, c.received_at, c.state,"  # noqa: S608
        f" EXISTS (SELECT 1 FROM {quote(Service._meta.db_table)} s"
        "   WHERE s.code = %s AND s.active),"
        f" EXISTS (SELECT 1 FROM {quote(Area._meta.db_table)} a"
        "   WHERE a.code = %s AND a.level = %s)"
        f" FROM {quote(Platform._meta.db_table)} p"
        f" LEFT JOIN {quote(Ticket._meta.db_table)} t ON t.platform_id = p.id AND t.ticket_id = %s"
        f" LEFT JOIN {quote(Case._meta.db_table)} c ON c.id = t.case_id"
        " WHERE p.code = %s AND p.active"
    )
    params = [service, community, Area.Level.COMMUNITY.value, ticket_id, code]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    platform_pk, secret, pk, state, case_id, received_at, case_state, service_ok, area_ok = row
    ticket = None
    if pk is not None and case_id is None:
        ticket = TicketReceipt(pk, state)
    elif pk is not None:
        if timezone.is_naive(received_at):  # SQLite keeps UTC without its zone
            received_at = timezone.make_aware(received_at, UTC)
        ticket = TicketReceipt(pk, state, case_number(received_at, case_id), case_state)
    platform = Platform(pk=platform_pk, code=code, secret_enc=secret, active=True)
    return Delivery(platform, ticket, bool(service_ok), bool(area_ok))


def ticket_receipt(platform: Platform, ticket_id: str) -> TicketReceipt | None:
    """The ticket the platform sent with this id, if it was taken in (one narrow query: the
    webhook asks it of every delivery)."""
    row = (
        Ticket.objects.filter(platform=platform, ticket_id=ticket_id)
        .values_list("pk", "state", "case_id", "case__received_at", "case__state")
        .first()
    )
    if row is None:
        return None
    pk, state, case_id, received_at, case_state = row
    if case_id is None:
        return TicketReceipt(pk, state)
    return TicketReceipt(pk, state, case_number(received_at, case_id), case_state)


@dataclass(frozen=True)
class PoppedFile:
    """A file whose phone is the caller's: enough to link the case, nothing more."""

    pk: int
    name: str  # masked
    community: str
    area_code: str


@dataclass(frozen=True)
class Pop:
    files: list[PoppedFile]
    cases: list[Case]


def screen_pop(user: User, number: str) -> Pop:
    """The files and earlier cases of a (normalised) number, in the operator's scope."""
    hashed = phone_hash(number)
    scope = subtree_q(case_prefixes(user))
    people = (
        Person.objects.filter(scope, phone_hash=hashed)
        .select_related("community")
        .only("pk", "name", "area_code", "community__name")[:POP_LIMIT]
    )
    files = [PoppedFile(p.pk, mask_name(p.name), p.community.name, p.area_code) for p in people]
    earlier = (
        Case.objects.visible_to(user)
        .filter(Q(caller_phone_hash=hashed) | Q(person__phone_hash=hashed))
        .select_related("service", "community")
        .order_by("-received_at")[:POP_LIMIT]
    )
    return Pop(files, list(earlier))


def popped_file(user: User, pk: int, number: str) -> Person | None:
    """The file `pk` if its phone is `number` and it lies in the operator's scope."""
    if not number:
        return None
    scope = subtree_q(case_prefixes(user))
    found = Person.objects.filter(scope, pk=pk, phone_hash=phone_hash(number))
    return found.select_related("community").first()


# How long after it began a call may still be taken on the console (and its case opened).
CALL_OPEN_FOR = timedelta(hours=2)


def open_call(pk: int, now: datetime | None = None) -> Call | None:
    """The call, if it began in the last hours and has no case yet."""
    since = (now or timezone.now()) - CALL_OPEN_FOR
    return Call.objects.filter(pk=pk, case__isnull=True, started_at__gte=since).first()


def ringing(now: datetime | None = None) -> QuerySet[Call]:
    """The platform's calls of the last minutes still ringing or answered (newest first)."""
    since = (now or timezone.now()) - RINGING_WITHIN
    return Call.objects.filter(
        state__in=[Call.State.RINGING, Call.State.ANSWERED], started_at__gte=since
    ).order_by("-started_at")[:5]


def follow_ups_due(user: User, *, today_only: bool = True) -> QuerySet[Case]:
    """Replied cases in the user's scope waiting for their follow-up call (by deadline)."""
    due = Case.objects.visible_to(user).filter(state=State.REPLIED)
    if today_only:
        tomorrow = timezone.localdate() + timedelta(days=1)
        midnight = datetime.combine(tomorrow, time.min, tzinfo=timezone.get_current_timezone())
        due = due.filter(follow_up_due__lt=midnight)
    return due.select_related("service", "community", "lead_department").order_by(
        "follow_up_due", "pk"
    )


def callers_to_tell(user: User) -> QuerySet[Extension]:
    """Approved extensions whose caller is still to be told the new deadline, oldest approval
    first: cases in the user's scope still being handled, with a phone to call, and only each
    case's latest approval (a later one supersedes what an earlier call would have said)."""
    cases = Case.objects.visible_to(user).filter(state__in=HANDLING_STATES).with_contact_phone()
    later = Extension.objects.filter(
        case=OuterRef("case"), state=Extension.State.APPROVED, decided_at__gt=OuterRef("decided_at")
    )
    return (
        Extension.objects.filter(
            state=Extension.State.APPROVED, caller_told_at__isnull=True, case__in=cases
        )
        .exclude(Exists(later))
        .select_related("department", "case__service", "case__community")
        .order_by("decided_at", "pk")
    )


def articles(query: str = "", service_id: int | None = None) -> QuerySet[Article]:
    """Knowledge-base entries in use, matching words of the question, answer or keywords."""
    found = Article.objects.in_use().select_related("service")
    for word in query.split()[:5]:
        found = found.filter(
            Q(title__icontains=word)
            | Q(question__icontains=word)
            | Q(answer__icontains=word)
            | Q(keywords__icontains=word)
            | Q(service__name__icontains=word)
        )
    if service_id is not None:
        found = found.filter(service_id=service_id)
    return found


def communities_named(user: User, text: str) -> QuerySet[Area]:
    """Communities in the user's scope whose name holds `text` (the intake's suggestions)."""
    words = text.strip()
    if not words:
        return Area.objects.none()
    return (
        Area.objects.filter(level=Area.Level.COMMUNITY)
        .filter(subtree_q(case_prefixes(user), "code"))
        .filter(Q(name__contains=words) | Q(code=words))
        .select_related("parent")
        .order_by("code")[:20]
    )


def case_for_tracking(number: str, last4: str) -> Case | None:
    """The case with this number whose contact phone ends in `last4` (else None): the public
    progress page's one look-up, which tells a wrong number from a wrong phone to nobody."""
    serial = int(number[8:])
    case = (
        Case.objects.filter(pk=serial)
        .select_related("person", "service")
        .only("pk", "received_at", "state", "due_at", "due_provisional", "caller_phone_last4",
              "person__phone_last4", "service__name", "closed_at", "closure")
        .first()
    )  # fmt: skip
    if case is None or case.number != number:
        return None
    phone_last4 = case.person.phone_last4 if case.person is not None else case.caller_phone_last4
    if not phone_last4 or phone_last4 != last4:
        return None
    return case
