"""The one search box over a user's ledger, fast at a million files.

`search_persons(user, q)` recognises what was typed and answers from an index:

| query                          | kind          | index                                         |
|--------------------------------|---------------|-----------------------------------------------|
| Chinese, 1–3 characters        | name          | NameKey (key, person), or (key, area, person) |
| Chinese, 4+ characters         | name          | NameKey on the first 3, then substring check  |
| letters with a vowel           | pinyin        | name_pinyin range `>= q AND < q_next`         |
| consonants only ("mxm")        | initials      | name_initials range (exact or prefix)         |
| 3 digits + X                   | id_last4      | id_number_last4                               |
| 4 digits                       | id_last4 / phone_last4 / mixed: ID or phone last 4 (union) |
| 18 (or 15) character ID number | id_full       | id_number_hash (keyed hash, exact)            |
| mobile or landline number      | phone_full    | phone_hash                                    |
| several terms ("马 1234")       | mixed         | the most selective term, the others filter    |

Why not LIKE: Django's `__startswith`/`__contains` add `ESCAPE`, which SQLite cannot serve from
an index, and no trigram index serves 1–2 character Chinese queries. Prefix
searches are therefore written as ranges, which a plain B-tree serves on SQLite and PostgreSQL
(pinyin and initials are lowercase ASCII, so byte order and any collation agree).

Scope: the scope is a set of area-code prefixes. One community (a single area code) is answered
from indexes that start with its code — NameKey (key, area_code, person), Person (area_code,
name_pinyin) and (area_code, name_initials) — walked in order and stopped after one page, with
nothing counted. Other low-selectivity queries (a common surname, a short pinyin prefix) are
answered one of two ways, chosen by two bounded counts (never a COUNT of a whole match set):
when the scope holds few files (a street) its matches are read through those indexes' area
ranges and sorted; otherwise the query's index is walked in order and each hit is tested
against the scope, stopping after `per_page + 1` rows (the extra row tells whether there is a
next page). Masking is the view's job: results are Person objects.

Long because recognising a query and the plan that answers it are one design: each kind of term
names the index that drives it, and the plans are chosen between by the same bounded counts.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.core.cache import cache
from django.db import connections
from django.db.models import OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from tongcheng.lib.areacodes import CODE_LENGTH, subtree_q
from tongcheng.lib.fences import FencedExists
from tongcheng.lib.idnumber import IdNumberError, parse_id_number
from tongcheng.lib.phone import PhoneError, parse_phone
from tongcheng.lib.textnorm import MIDDLE_DOT, normalize_digits, normalize_name
from tongcheng.registry.columns import NAME_KEY_LENGTH
from tongcheng.registry.identifiers import id_number_hash, last4_hash, phone_hash
from tongcheng.registry.models import NameKey, Person
from tongcheng.registry.scope import record_prefixes

if TYPE_CHECKING:
    from tongcheng.org.models import User

Kind = Literal[
    "name", "pinyin", "initials", "id_last4", "id_full", "phone_full", "phone_last4", "mixed"
]

# Bounded counts deciding the plan: a query matching at most MATCH_CAP files walks its own
# index; a scope of at most SCOPE_CAP files is scanned whole. Both costs stay a few ms.
MATCH_CAP = 2000
SCOPE_CAP = 3000
# How long a scope's bounded count is reused (_scan_the_scope).
SCOPE_COUNT_SECONDS = 60
MAX_PER_PAGE = 200
# Matches of an exact or last-4 index are read whole (ids only) up to this many.
HASH_CAP = 5000

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3007]")
_NAME_TERM = re.compile(
    rf"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3007{MIDDLE_DOT}]+"
)
_ID_FULL = re.compile(r"\d{17}[\dX]|\d{15}")
_ID_LAST4 = re.compile(r"\d{3}X")
_LAST4 = re.compile(r"\d{4}")
_LETTERS = re.compile(r"[a-z]+")
_VOWELS = frozenset("aeiouv")
# Pinyin typed with separators: "ma xiao mei", "ma'xiaomei", "Ma-Xiaomei".
_PINYIN_SEPARATORS = re.compile(r"[\s'’\-·.]+")


@dataclass(frozen=True)
class SearchResult:
    items: list[Person]
    has_next: bool
    kind: Kind
    page: int = 1
    per_page: int = 20
    terms: int = field(default=1, repr=False)

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass(frozen=True)
class _Term:
    """One recognised piece of the query: a condition on Person and how to drive it."""

    kind: Kind
    condition: Q
    # "hash": an exact or last-4 column (a few rows); "name": a NameKey key; "range": a prefix
    # range on `column`; "none": matches nothing.
    driver: Literal["hash", "name", "range", "none"]
    key: str = ""
    # For a name: the query as typed (normalised), when longer than its key.
    text: str = ""
    column: str = ""
    low: str = ""
    high: str = ""
    # An exact-number look-up (full ID number, full phone, last 4): the keyed hash of what was
    # searched, for the daily allowance and the audit event (identifier_lookups).
    searched: str = ""

    @property
    def rank(self) -> int:
        """Lower drives a multi-term query: the most selective index first."""
        if self.driver == "none":
            return 0
        if self.driver == "hash":
            return 1
        if self.driver == "name":
            return 2 if len(self.key) > 1 else 4
        return 3


def _next_prefix(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _range_q(column: str, prefix: str) -> Q:
    if not prefix:
        return Q()
    return Q(**{f"{column}__gte": prefix, f"{column}__lt": _next_prefix(prefix)})


# --- Recognising the query -------------------------------------------------------------


def _none(kind: Kind) -> _Term:
    return _Term(kind=kind, condition=Q(pk__in=[]), driver="none")


def _name_term(name: str) -> _Term:
    """A Chinese name or a piece of one; `·` and spaces split the pieces NameKey holds."""
    parts = [p for p in name.replace(MIDDLE_DOT, " ").split() if p]
    if not parts:
        return _none("name")
    # The longest piece is the most selective key; keys hold at most NAME_KEY_LENGTH characters.
    key = max(parts, key=len)[:NAME_KEY_LENGTH]
    # As a filter (another term drives) a substring test on a few rows; when it drives, the
    # key is looked up and the substring test only stays for queries longer than the key.
    return _Term(kind="name", condition=Q(name__contains=name), driver="name", key=key, text=name)


def _letters_term(letters: str) -> _Term:
    """Pinyin prefix, or initials when there is no vowel (every syllable has one)."""
    if not letters:
        return _none("pinyin")
    if _VOWELS.isdisjoint(letters):
        return _Term(
            kind="initials",
            condition=_range_q("name_initials", letters),
            driver="range",
            column="name_initials",
            low=letters,
            high=_next_prefix(letters),
        )
    return _Term(
        kind="pinyin",
        condition=_range_q("name_pinyin", letters),
        driver="range",
        column="name_pinyin",
        low=letters,
        high=_next_prefix(letters),
    )


def _initials_term(letters: str) -> _Term:
    return _Term(
        kind="initials",
        condition=_range_q("name_initials", letters),
        driver="range",
        column="name_initials",
        low=letters,
        high=_next_prefix(letters),
    )


def _code_term(text: str) -> _Term | None:
    """ID numbers, phone numbers and their last 4 characters; None when `text` is none of them."""
    digits = normalize_digits(text)
    if _ID_FULL.fullmatch(digits):
        try:
            number = parse_id_number(digits).number
        except IdNumberError:
            # Only valid numbers are ever stored, so an invalid one matches no file.
            return _none("id_full")
        hashed = id_number_hash(number)
        return _Term(
            kind="id_full", condition=Q(id_number_hash=hashed), driver="hash", searched=hashed
        )
    if _ID_LAST4.fullmatch(digits):
        return _Term(
            kind="id_last4",
            condition=Q(id_number_last4=digits),
            driver="hash",
            searched=last4_hash(digits),
        )
    if _LAST4.fullmatch(digits):
        return _Term(
            kind="mixed",
            condition=Q(id_number_last4=digits) | Q(phone_last4=digits),
            driver="hash",
            key=digits,
            searched=last4_hash(digits),
        )
    if not digits.isdigit() or not digits.isascii():
        return None
    try:
        phone = parse_phone(text).number
    except PhoneError:
        return _none("phone_full")
    hashed = phone_hash(phone)
    return _Term(kind="phone_full", condition=Q(phone_hash=hashed), driver="hash", searched=hashed)


def _pinyin_letters(text: str) -> str | None:
    """Lowercase letters of a pinyin query ("Ma Xiao'mei" → "maxiaomei"), None if not pinyin."""
    letters = _PINYIN_SEPARATORS.sub("", text.lower().replace("ü", "v"))
    return letters if _LETTERS.fullmatch(letters) else None


def _terms(q: str) -> list[_Term]:
    text = normalize_name(q)
    if not text:
        return []
    code = _code_term(text)
    if code is not None:
        return [code]
    letters = _pinyin_letters(text)
    if letters is not None:
        return [_letters_term(letters)]
    if _NAME_TERM.fullmatch(text.replace(" ", "")) and _HAN.search(text):
        return [_name_term(text)]
    # Several terms of different kinds: "马 1234", "mxm 5678", "艾力 maimaiti".
    terms: list[_Term] = []
    for token in text.split():
        code = _code_term(token)
        letters = _pinyin_letters(token)
        if code is not None:
            terms.append(code)
        elif letters is not None:
            terms.append(_letters_term(letters))
        elif _NAME_TERM.fullmatch(token):
            terms.append(_name_term(token))
        else:
            # Something no index knows (punctuation, Latin names with digits): match nothing.
            terms.append(_none("mixed"))
    return terms


@dataclass(frozen=True)
class Lookup:
    """One exact-number term of a query: `kind` id_full, phone_full, id_last4 or last4 (4
    digits: of an ID number or a phone), `hashed` the keyed hash of what was typed."""

    kind: str
    hashed: str


def identifier_lookups(q: str) -> list[Lookup]:
    """The exact-number look-ups a query asks for, each answering yes or no to one guess of a
    masked number: counted against the daily allowance and audited (registry.allowance). A
    number that cannot exist (a wrong check digit) is none: it is answered without looking."""
    return [
        Lookup(kind="last4" if term.kind == "mixed" else term.kind, hashed=term.searched)
        for term in _terms(q)
        if term.searched
    ]


def lookup_hashes(typed: str) -> list[str]:
    """The keyed hashes an event that looked up `typed` holds: the audit screen's "number
    looked up" filter (registered with audit.lookups in RegistryConfig.ready). A full number
    also gives the hash of its last 4, which searches by last 4 hold."""
    lookups = identifier_lookups(typed)
    hashes = [lookup.hashed for lookup in lookups]
    if any(lookup.kind in ("id_full", "phone_full") for lookup in lookups):
        # A full number was also probed by searches of its last 4 characters.
        hashes.append(last4_hash(normalize_digits(normalize_name(typed))[-4:]))
    return hashes


# --- Answering ----------------------------------------------------------------------------


def _bounded(queryset: QuerySet[Any], cap: int) -> tuple[str, list[Any]]:
    sql, params = queryset.values("pk")[: cap + 1].query.sql_with_params()
    # Django-compiled SQL with its parameters kept apart: nothing typed is interpolated.
    return f"(SELECT COUNT(*) FROM ({sql}) bounded)", list(params)  # noqa: S608


def _scope_key(scope_sql: str, scope_params: list[Any], db: str) -> str:
    digest = hashlib.sha256(f"{db}\x00{scope_sql}\x00{scope_params!r}".encode()).hexdigest()
    return f"registry.search.scope:{digest}"


def _scan_the_scope(
    matches: QuerySet[NameKey] | QuerySet[Person], order: str, scope: QuerySet[Person]
) -> bool:
    """Scan the scope when the query matches many files (more than MATCH_CAP) and the scope
    holds few (at most SCOPE_CAP); else the query's own index drives.

    Bounded COUNTs in one statement, each an index scan that stops early, ordered by the
    index's own column so that PostgreSQL reads the index rather than scanning the table until
    it has seen enough. The scope's count is kept for SCOPE_COUNT_SECONDS (per scope, as
    compiled): it changes slowly, and reading up to 3,001 rows of a scope again on every search
    was half its time on a freshly loaded PostgreSQL (no visibility map yet: every row is read
    from the table). A scope known to be large is never scanned, so its searches count nothing.
    A count a little old only picks the other of two plans that give the same rows.
    """
    scope_sql, scope_params = _bounded(scope.order_by("area_code"), SCOPE_CAP)
    key = _scope_key(scope_sql, scope_params, scope.db)
    scoped: int | None = cache.get(key)
    if scoped is not None and scoped > SCOPE_CAP:
        return False
    match_sql, match_params = _bounded(matches.order_by(order), MATCH_CAP)
    selected = match_sql if scoped is not None else f"{match_sql}, {scope_sql}"
    params = match_params if scoped is not None else match_params + scope_params
    with connections[scope.db].cursor() as cursor:
        cursor.execute(f"SELECT {selected}", params)
        row = cursor.fetchone()
    if scoped is None:
        scoped = int(row[1])
        cache.set(key, scoped, SCOPE_COUNT_SECONDS)
    return int(row[0]) > MATCH_CAP and scoped <= SCOPE_CAP


# Every list shows these beside the name: joined here, not fetched row by row.
RELATED = ("ethnicity", "community")


def _page(queryset: QuerySet[Person], offset: int, size: int) -> list[Person]:
    return list(queryset.select_related(*RELATED)[offset : offset + size])


def _by_hash(base: QuerySet[Person], condition: Q, offset: int, size: int) -> list[Person]:
    """A handful of rows from an exact-number index, tested against the scope.

    The hash index drives; each match is tested against the scope through its primary key
    (a fenced EXISTS: PostgreSQL without statistics otherwise walked the whole city's area
    range, 1.2 s at a million files).
    """
    matching = Person.objects.filter(condition).filter(FencedExists(base.filter(pk=OuterRef("pk"))))
    return _ids_then_page(matching, offset, size)


def _by_suffix(condition: Q, prefixes: list[str], offset: int, size: int) -> list[Person]:
    """Last 4 digits in the user's plain scope: the suffix indexes hold the area code.

    They are (last 4, area_code, id), so the scope's range is a condition of the index itself:
    both engines pick them over the area index with or without statistics, read no row to test
    the scope, and after VACUUM answer from the index alone. (Tested through the primary key
    instead, a city-wide search probed each of ~1,000 matches twice: p95 21 ms on a freshly
    loaded PostgreSQL.)
    """
    return _ids_then_page(Person.objects.filter(condition, subtree_q(prefixes)), offset, size)


def _ids_then_page(matching: QuerySet[Person], offset: int, size: int) -> list[Person]:
    """The matches' ids, read unordered and sorted here, then one page of their rows.

    With `ORDER BY id LIMIT n` PostgreSQL walks the primary key hoping to meet the few matches
    early (100+ ms at a million files).
    """
    ids = list(matching.order_by().values_list("pk", flat=True)[: HASH_CAP + 1])
    if len(ids) > HASH_CAP:
        return _page(matching.order_by("pk"), offset, size)
    page = sorted(ids)[offset : offset + size]
    if not page:
        return []
    return list(Person.objects.filter(pk__in=page).select_related(*RELATED).order_by("pk"))


def _by_name_key(
    base: QuerySet[Person], key: str, condition: Q, offset: int, size: int
) -> list[Person]:
    """Walk NameKey (key, person) in person order; each hit is tested against the scope."""
    in_base = base.filter(condition, pk=OuterRef("person_id"))
    ids = (
        NameKey.objects.filter(key=key)
        .filter(FencedExists(in_base))
        .order_by("person_id")
        .values("person_id")[offset : offset + size]
    )
    return list(base.filter(pk__in=ids).select_related(*RELATED).order_by("pk"))


def _by_name_key_in_areas(
    base: QuerySet[Person], key: str, prefixes: list[str], condition: Q, offset: int, size: int
) -> list[Person]:
    """The keys of a small scope (the scope's area ranges on NameKey.area_code), in person order.

    One community (a single area code): the (key, area_code, person) index yields its keys in
    person order, so the walk stops after one page, however common the key. Several areas: the
    scope's keys of this name are read from that index and sorted (a small scope: few of them).
    Each hit is still tested against `base` (its filters, and the scope as the files hold it).
    """
    in_base = base.filter(condition, pk=OuterRef("person_id"))
    ids = (
        NameKey.objects.filter(subtree_q(prefixes, "area_code"), key=key)
        .filter(FencedExists(in_base))
        .order_by("person_id")
        .values("person_id")[offset : offset + size]
    )
    return list(Person.objects.filter(pk__in=ids).select_related(*RELATED).order_by("pk"))


def _by_range(
    base: QuerySet[Person], term: _Term, condition: Q, offset: int, size: int
) -> list[Person]:
    """Walk the pinyin/initials index in order; each hit is tested against the scope."""
    in_base = base.filter(condition, pk=OuterRef("pk"))
    queryset = (
        Person.objects.filter(**{f"{term.column}__gte": term.low, f"{term.column}__lt": term.high})
        .filter(FencedExists(in_base))
        .order_by(term.column, "pk")
    )
    return _page(queryset, offset, size)


def _scan_scope_for_range(
    base: QuerySet[Person], term: _Term, condition: Q, offset: int, size: int, one_area: bool
) -> list[Person]:
    """Scan a small scope for a pinyin or initials prefix.

    One community (`one_area`: every file has the same area code): the prefix range and the
    order start with the area code, so PostgreSQL walks (area_code, name_pinyin) or
    (area_code, name_initials) in order and stops after one page, with or without statistics.
    Several areas: the prefix test is written so it cannot pull the planner off the area index
    onto the city-wide pinyin index (SUBSTR is not indexable), and the scope's matches are sorted.
    """
    if one_area:
        queryset = base.filter(term.condition, condition).order_by("area_code", term.column, "pk")
        return _page(queryset, offset, size)
    queryset = (
        base.annotate(_prefix=Substr(term.column, 1, len(term.low)))
        .filter(condition, _prefix=term.low)
        .order_by(term.column, "pk")
    )
    return _page(queryset, offset, size)


def _answer(
    base: QuerySet[Person],
    terms: list[_Term],
    offset: int,
    size: int,
    prefixes: list[str],
    one_area: bool = False,
    plain: bool = False,
) -> list[Person]:
    """One page (plus one row) of `base` matching every term.

    `plain`: `base` is exactly the files of `prefixes` (no filter beyond the scope), so the
    scope may be tested as the prefixes' ranges instead of through `base`.

    `base` is scoped by `visible_to`, whose area-code ranges the area index serves: a small
    scope is scanned through it; otherwise the query's own index drives and each hit is tested
    against the scope through its primary key (EXISTS … pk = …, or pk IN the index's matches),
    so that neither engine is tempted to walk a whole city's range instead of the far more
    selective index of the query. The ranges are never added twice: PostgreSQL then takes the
    scope for far smaller than it is (the two selectivities multiply) and walks the primary key
    in order hoping to meet it early.
    """
    driver = min(terms, key=lambda t: t.rank)
    in_scope = base
    others = Q()
    for term in terms:
        if term is not driver:
            others &= term.condition
    if driver.driver == "none":
        return []
    if driver.driver == "hash" and plain and driver.kind in ("id_last4", "mixed"):
        return _by_suffix(driver.condition & others, prefixes, offset, size)
    if driver.driver == "hash":
        return _by_hash(base, driver.condition & others, offset, size)
    if driver.driver == "name":
        keys = NameKey.objects.filter(key=driver.key)
        # A query that is its own key needs no substring test (the key says it all).
        name_test = driver.condition if driver.text != driver.key else Q()
        condition = name_test & others
        # One community: nothing to count (its keys are walked in order, see below).
        if one_area or _scan_the_scope(keys, "person_id", in_scope):
            return _by_name_key_in_areas(in_scope, driver.key, prefixes, condition, offset, size)
        return _by_name_key(base, driver.key, condition, offset, size)
    if one_area:
        # One community: its (area_code, name_pinyin) and (area_code, name_initials) indexes
        # answer any prefix in order, however many files of the city match: nothing to count.
        return _scan_scope_for_range(in_scope, driver, others, offset, size, one_area)
    matches = Person.objects.filter(driver.condition)
    if _scan_the_scope(matches, driver.column, in_scope):
        return _scan_scope_for_range(in_scope, driver, others, offset, size, one_area)
    return _by_range(base, driver, others, offset, size)


def _last4_kind(items: list[Person], last4: str) -> Kind:
    """For 4 digits: which of the two columns the shown files matched by."""
    by_id = any(p.id_number_last4 == last4 for p in items)
    by_phone = any(p.phone_last4 == last4 for p in items)
    if by_id and not by_phone:
        return "id_last4"
    if by_phone and not by_id:
        return "phone_last4"
    return "mixed"


def search_persons(
    user: User,
    q: str,
    *,
    page: int = 1,
    per_page: int = 20,
    base: QuerySet[Person] | None = None,
) -> SearchResult:
    """Files in the user's scope matching `q`, one page of them, in a stable order.

    `base` is an already scoped (and perhaps filtered) Person queryset; by default the files
    visible to the user. Order: by file (registration) order for names and identifiers, by
    pinyin or initials for letter queries. `has_next` comes from fetching one extra row.
    """
    page = max(1, page)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    terms = _terms(q)
    kind: Kind = terms[0].kind if len(terms) == 1 else "mixed" if terms else "name"
    prefixes = record_prefixes(user)
    if not terms or not prefixes:
        return SearchResult(items=[], has_next=False, kind=kind, page=page, per_page=per_page)
    scoped = base if base is not None else Person.objects.visible_to(user)
    offset = (page - 1) * per_page
    # One community's files all have one area code (a full 12-digit code is an equality).
    one_area = len(prefixes) == 1 and len(prefixes[0]) == CODE_LENGTH
    plain = base is None
    rows = _answer(scoped, terms, offset, per_page + 1, prefixes, one_area, plain)
    # Letters with a vowel may still be initials ("wal" for 王安丽): try them when pinyin finds
    # nothing at all.
    if not rows and page == 1 and len(terms) == 1 and terms[0].kind == "pinyin":
        letters = terms[0].low
        if len(letters) <= 8:
            initials = _initials_term(letters)
            rows = _answer(scoped, [initials], offset, per_page + 1, prefixes, one_area, plain)
            if rows:
                kind = "initials"
    items = rows[:per_page]
    if len(terms) == 1 and terms[0].kind == "mixed" and terms[0].key:
        kind = _last4_kind(items, terms[0].key)
    return SearchResult(
        items=items,
        has_next=len(rows) > per_page,
        kind=kind,
        page=page,
        per_page=per_page,
        terms=len(terms),
    )
