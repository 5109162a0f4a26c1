"""search_persons: every kind of query finds the right files, and only inside the user's scope."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tongcheng.lib.idnumber import make_id_number
from tongcheng.registry import search
from tongcheng.registry.identifiers import id_number_hash, last4_hash, phone_hash
from tongcheng.registry.models import Person
from tongcheng.registry.search import search_persons
from tongcheng.registry.tests.factories import make_person

A = "140403001001"  # community_a 和平社区 (东街街道)
B = "140403002001"  # community_b 上党门社区 (西街街道, same district)
OTHER = "140404001001"  # a community of 上党区


def _id_ending_in_x(area: str = "640122") -> str:
    for seq in range(500):
        number = make_id_number(area, date(1990, 3, 5), seq, "male")
        if number.endswith("X"):
            return number
    raise AssertionError("no check digit X in 500 tries")


def _names(result: search.SearchResult) -> list[str]:
    return sorted(p.name for p in result.items)


@pytest.fixture
def ledger(cast: Any) -> dict[str, Person]:
    x_number = _id_ending_in_x()
    return {
        "ma_a": make_person(A, name="马晓梅", phone="13912345678"),
        "ma_a2": make_person(A, name="马明", id_number=x_number),
        "mai_a": make_person(A, name="买买提·艾力"),
        "shan_a": make_person(A, name="单丽", phone="0355-2021234"),
        "zeng_a": make_person(A, name="曾国强"),
        "long_a": make_person(A, name="欧阳晓梅丽"),
        "ma_b": make_person(B, name="马丽", phone="13800001234"),
        "ma_other": make_person(OTHER, name="马强"),
    }


@pytest.fixture(params=["index", "scope"])
def strategy(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both plans must give the same answers: walk the query's index, or scan the scope."""
    if request.param == "scope":
        monkeypatch.setattr(search, "MATCH_CAP", 0)
        monkeypatch.setattr(search, "SCOPE_CAP", 10_000)
    else:
        monkeypatch.setattr(search, "MATCH_CAP", 10_000)
    return str(request.param)


def test_it_finds_a_one_character_name_only_in_scope(cast: Any, ledger: Any, strategy: str) -> None:
    assert _names(search_persons(cast.community_a, "马")) == ["马明", "马晓梅"]
    assert _names(search_persons(cast.community_b, "马")) == ["马丽"]
    assert _names(search_persons(cast.street, "马")) == ["马明", "马晓梅"]
    assert _names(search_persons(cast.district, "马")) == ["马丽", "马明", "马晓梅"]
    assert _names(search_persons(cast.other_district, "马")) == ["马强"]
    assert search_persons(cast.community_a, "马").kind == "name"


def test_it_sees_everything_in_the_city_and_nothing_without_a_record_role(
    cast: Any, ledger: Any, strategy: str
) -> None:
    assert _names(search_persons(cast.city_admin, "马")) == ["马丽", "马强", "马明", "马晓梅"]
    assert search_persons(cast.leader, "马").items == []
    assert search_persons(cast.hotline, "马").items == []


def test_it_finds_two_three_and_longer_name_pieces(cast: Any, ledger: Any, strategy: str) -> None:
    assert _names(search_persons(cast.community_a, "晓梅")) == ["欧阳晓梅丽", "马晓梅"]
    assert _names(search_persons(cast.community_a, "马晓梅")) == ["马晓梅"]
    assert _names(search_persons(cast.community_a, "阳晓梅丽")) == ["欧阳晓梅丽"]
    assert _names(search_persons(cast.community_a, "欧阳晓梅丽")) == ["欧阳晓梅丽"]
    # Spaces typed between the characters (ledger padding) do not matter.
    assert _names(search_persons(cast.community_a, "马 晓梅")) == ["马晓梅"]
    assert search_persons(cast.community_a, "马晓梅丽").items == []
    assert search_persons(cast.community_b, "马晓梅").items == []


def test_it_finds_names_with_a_middle_dot(cast: Any, ledger: Any, strategy: str) -> None:
    for query in (
        "艾力",
        "买买提",
        "买买提·艾力",
        "买买提・艾力",
        "提·艾",
        "maimaiti",
        "MaiMaiTi Aili",
    ):
        result = search_persons(cast.community_a, query)
        assert _names(result) == ["买买提·艾力"], query
    assert search_persons(cast.community_a, "maimaiti").kind == "pinyin"
    # Initials with a vowel in them are tried as initials when no pinyin starts so.
    result = search_persons(cast.community_a, "mmtal")
    assert (_names(result), result.kind) == (["买买提·艾力"], "initials")


def test_it_reads_surnames_as_surnames(cast: Any, ledger: Any, strategy: str) -> None:
    assert _names(search_persons(cast.community_a, "shanli")) == ["单丽"]
    assert _names(search_persons(cast.community_a, "Shan Li")) == ["单丽"]
    assert search_persons(cast.community_a, "danli").items == []
    assert _names(search_persons(cast.community_a, "zeng")) == ["曾国强"]
    assert _names(search_persons(cast.community_a, "zgq")) == ["曾国强"]


def test_it_finds_pinyin_prefixes_in_pinyin_order(cast: Any, ledger: Any, strategy: str) -> None:
    result = search_persons(cast.community_a, "ma")
    assert result.kind == "pinyin"
    # maimaitiaili < maming < maxiaomei
    assert [p.name for p in result.items] == ["买买提·艾力", "马明", "马晓梅"]
    assert _names(search_persons(cast.district, "mali")) == ["马丽"]
    assert search_persons(cast.community_a, "mali").items == []


def test_it_finds_initials_exact_and_prefix(cast: Any, ledger: Any, strategy: str) -> None:
    result = search_persons(cast.community_a, "mxm")
    assert (_names(result), result.kind) == (["马晓梅"], "initials")
    assert _names(search_persons(cast.community_a, "MX")) == ["马晓梅"]
    assert _names(search_persons(cast.community_a, "m")) == ["买买提·艾力", "马明", "马晓梅"]


def test_it_finds_the_last_four_of_an_id_number_with_a_lowercase_x(cast: Any, ledger: Any) -> None:
    last4 = ledger["ma_a2"].id_number_last4
    assert last4.endswith("X")
    for query in (last4, last4.lower(), last4[:3] + "ｘ"):
        result = search_persons(cast.community_a, query)
        assert (_names(result), result.kind) == (["马明"], "id_last4"), query
    assert search_persons(cast.community_b, last4.lower()).items == []


def test_it_finds_a_full_id_number_however_typed(cast: Any, ledger: Any) -> None:
    number = search.parse_id_number(_id_ending_in_x()).number
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number[:-1]) + "ｘ"
    spaced = f"{number[:6]} {number[6:14]}-{number[14:].lower()}"
    for query in (number, number.lower(), full_width, spaced):
        result = search_persons(cast.community_a, query)
        assert (_names(result), result.kind) == (["马明"], "id_full"), query
    assert search_persons(cast.community_b, number).items == []
    # A number with a wrong check digit cannot be on file.
    assert search_persons(cast.community_a, number[:-1] + "1").items == []


def test_it_finds_phones_full_and_by_last_four(cast: Any, ledger: Any) -> None:
    result = search_persons(cast.community_a, "139 1234 5678")
    assert (_names(result), result.kind) == (["马晓梅"], "phone_full")
    assert _names(search_persons(cast.community_a, "１３９１２３４５６７８")) == ["马晓梅"]
    assert _names(search_persons(cast.community_a, "0355-2021234")) == ["单丽"]
    assert search_persons(cast.community_a, "13800001234").items == []
    assert _names(search_persons(cast.community_b, "13800001234")) == ["马丽"]
    result = search_persons(cast.community_a, "５６７８")
    assert (_names(result), result.kind) == (["马晓梅"], "phone_last4")


def test_it_unions_id_and_phone_last_four(cast: Any) -> None:
    by_id = make_person(
        A, name="白雪", id_number=make_id_number("640122", date(1991, 1, 1), 3, "male")
    )
    make_person(A, name="杨帆", phone="1370000" + by_id.id_number_last4)
    make_person(B, name="李娜", phone="1370001" + by_id.id_number_last4)
    result = search_persons(cast.community_a, by_id.id_number_last4)
    assert (_names(result), result.kind) == (["杨帆", "白雪"], "mixed")


@pytest.mark.parametrize("who", ["community_a", "street", "district"])
def test_it_tests_a_last_four_searchs_scope_inside_the_suffix_index(cast: Any, who: str) -> None:
    """A plain scope: the area range is a condition on the (last 4, area_code, id) indexes, with
    no probe of the persons table per match; files outside the scope stay out."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    by_id = make_person(
        A, name="白雪", id_number=make_id_number("640122", date(1991, 1, 1), 3, "male")
    )
    make_person(A, name="杨帆", phone="1370000" + by_id.id_number_last4)
    make_person(OTHER, name="李娜", phone="1370001" + by_id.id_number_last4)
    with CaptureQueriesContext(connection) as ctx:
        result = search_persons(getattr(cast, who), by_id.id_number_last4)
    assert _names(result) == ["杨帆", "白雪"]
    ids_query = next(q["sql"] for q in ctx.captured_queries if "phone_last4" in q["sql"])
    assert "EXISTS" not in ids_query.upper() and "area_code" in ids_query


def test_it_combines_terms_of_different_kinds(cast: Any, ledger: Any) -> None:
    result = search_persons(cast.community_a, "马 5678")
    assert (_names(result), result.kind) == (["马晓梅"], "mixed")
    assert _names(search_persons(cast.community_a, "ma 5678")) == ["马晓梅"]
    assert search_persons(cast.community_a, "单 5678").items == []


def test_it_names_the_exact_number_look_ups_of_a_query_by_their_keyed_hashes() -> None:
    number = _id_ending_in_x()
    lookups = search.identifier_lookups

    def kinds(query: str) -> list[tuple[str, str]]:
        return [(lookup.kind, lookup.hashed) for lookup in lookups(query)]

    assert kinds(number.lower()) == [("id_full", id_number_hash(number))]
    assert kinds("139 1234 5678") == [("phone_full", phone_hash("13912345678"))]
    assert kinds("0355-2021234") == [("phone_full", phone_hash("0355-2021234"))]
    assert kinds("５６７８") == [("last4", last4_hash("5678"))]
    assert kinds(number[-4:].lower()) == [("id_last4", last4_hash(number[-4:]))]
    assert kinds("5678 马 1234") == [("last4", last4_hash("5678")), ("last4", last4_hash("1234"))]
    # Names, letters, and numbers that cannot be on file (answered without looking) are none.
    for query in ("马晓梅", "mxm", "ma xiao mei", number[:-1] + "1", "12", "140403", ""):
        assert lookups(query) == [], query


def test_it_pages_with_one_extra_row(cast: Any, strategy: str) -> None:
    for index in range(25):
        make_person(A, name=f"马{chr(0x4E00 + index)}")
    make_person(B, name="马又")
    first = search_persons(cast.community_a, "马", per_page=20)
    second = search_persons(cast.community_a, "马", page=2, per_page=20)
    assert (len(first.items), first.has_next, first.has_previous) == (20, True, False)
    assert (len(second.items), second.has_next, second.has_previous) == (5, False, True)
    assert not {p.pk for p in first.items} & {p.pk for p in second.items}
    assert search_persons(cast.community_a, "ma", page=2, per_page=20).has_next is False
    assert len(search_persons(cast.community_a, "ma", page=2, per_page=20).items) == 5


def test_it_respects_a_filtered_base(cast: Any, ledger: Any, strategy: str) -> None:
    Person.objects.filter(pk=ledger["ma_a"].pk).update(status=Person.Status.MOVED_AWAY)
    base = Person.objects.visible_to(cast.community_a).active()
    assert _names(search_persons(cast.community_a, "马", base=base)) == ["马明"]
    assert _names(search_persons(cast.community_a, "mam", base=base)) == ["马明"]
    assert search_persons(cast.community_a, "5678", base=base).items == []


def test_it_matches_nothing_for_nothing(cast: Any, ledger: Any) -> None:
    for query in ("", "   ", "!!", "12", "马!"):
        assert search_persons(cast.community_a, query).items == [], query


@pytest.mark.parametrize(
    "query", ["马", "晓梅", "马晓梅", "阳晓梅丽", "ma", "mxm", "5678", "139 1234 5678", "马 5678"]
)
def test_it_runs_a_bounded_number_of_queries(
    cast: Any, ledger: Any, query: str, django_assert_num_queries: Any
) -> None:
    user = cast.district
    # 1 memberships (the scope); then either, for names, pinyin and initials: 1 statement
    # with two bounded counts (matches, scope) + 1 for the page (its ids a subquery); or,
    # for identifiers: 1 for the matching ids + 1 for the page's files.
    with django_assert_num_queries(3):
        result = search_persons(user, query)
        # Lists show these beside the name: they come with the page, not one query per row.
        assert all(p.ethnicity.name and p.community.name for p in result.items)
    assert result.items


def test_it_counts_a_scope_once_a_minute_and_answers_the_same(cast: Any, ledger: Any) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()

    def counts_in_the_statement() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as ctx:
            names = _names(search_persons(cast.street, "马"))
        (statement,) = [q["sql"] for q in ctx.captured_queries if "bounded" in q["sql"]]
        return statement.count("COUNT(*)"), names

    assert counts_in_the_statement() == (2, ["马明", "马晓梅"])
    # The scope's count is kept: the next search counts its matches only, with the same answer.
    assert counts_in_the_statement() == (1, ["马明", "马晓梅"])
    cache.clear()


@pytest.mark.parametrize("q", ["马", "晓梅", "mxm", "ma"])
def test_a_community_walks_its_own_index_and_counts_nothing(cast: Any, ledger: Any, q: str) -> None:
    """One community: its keys (key, area_code, person) and its (area_code, pinyin/initials)
    indexes are walked in order, whatever the city holds; no bounded count is run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        names = _names(search_persons(cast.community_a, q))
    assert names and all(p.area_code == A for p in Person.objects.filter(name__in=names))
    assert not [q for q in ctx.captured_queries if "bounded" in q["sql"]]


def test_a_moved_file_is_found_by_its_new_community_only(cast: Any, ledger: Any) -> None:
    from tongcheng.org.models import Area
    from tongcheng.registry.actions.movements import MoveInput, movement_record
    from tongcheng.registry.models import Movement, NameKey

    person = ledger["ma_a"]
    movement_record(
        actor=cast.district,
        person=person,
        expected_version=person.version,
        data=MoveInput(
            kind=Movement.Kind.ADDRESS_CHANGE,
            moved_on=date.today(),
            community=Area.objects.get(code=B),
        ),
    )
    assert set(NameKey.objects.filter(person=person).values_list("area_code", flat=True)) == {B}
    assert _names(search_persons(cast.community_b, "马")) == ["马丽", "马晓梅"]
    assert _names(search_persons(cast.community_b, "晓梅")) == ["马晓梅"]
    assert _names(search_persons(cast.community_a, "马")) == ["马明"]


def test_it_counts_no_matches_in_a_scope_known_to_be_large(
    cast: Any, ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    monkeypatch.setattr(search, "SCOPE_CAP", 1)
    assert _names(search_persons(cast.district, "马")) == ["马丽", "马明", "马晓梅"]
    with CaptureQueriesContext(connection) as ctx:
        assert _names(search_persons(cast.district, "马")) == ["马丽", "马明", "马晓梅"]
    assert not [q for q in ctx.captured_queries if "bounded" in q["sql"]]
    cache.clear()
