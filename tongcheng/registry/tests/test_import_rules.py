"""The import's fast paths hold to the ledger's rules, over generated ledgers.

The commit queues look-alike pairs with one SQL statement (ledger.lookalikes); a single create
asks selectors.look_alikes_of. The dry run marks possible duplicates with Python hashes
(ledger.plan.LookAlikes); the rule is rules.look_alike_keys and rules.crowded. Each generated
ledger mixes a few names, birth dates and phones, files of the community and of another
district, and a phone and a name with birth date on more than LOOK_ALIKE_LIMIT files.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from tongcheng.registry import rules
from tongcheng.registry.actions.bulk.commit import commit_import
from tongcheng.registry.identifiers import phone_hash
from tongcheng.registry.ledger.plan import plan_import
from tongcheng.registry.ledger.read import read_ledger
from tongcheng.registry.models import DuplicateCandidate, Person
from tongcheng.registry.selectors import look_alikes_of
from tongcheng.registry.tests.factories import make_person
from tongcheng.registry.tests.test_import import COMMUNITY_A, community, ledger_bytes

pytestmark = pytest.mark.django_db

ELSEWHERE = "140404001001"
HEADERS = ["姓名", "民族", "性别", "出生日期", "联系电话"]
NAMES = ["马晓梅", "丁海", "白玉兰"]
BIRTHS = [date(1990, 1, 1), date(1985, 6, 1), None]
PHONES = ["13800000001", "13800000002", "13800000003", ""]
# On more than LOOK_ALIKE_LIMIT files: no pair, no mark.
CROWDED_PHONE = "13999999999"
CROWDED_NAME, CROWDED_BIRTH = "马建国", date(1970, 7, 7)


def generated(seed: int) -> list[list[Any]]:
    """Make the files already there (here and elsewhere); return the ledger's rows."""
    pick = random.Random(seed)
    for code in [COMMUNITY_A] * 4 + [ELSEWHERE] * 4:
        make_person(
            code,
            name=pick.choice(NAMES),
            id_number="",
            birth_date=pick.choice(BIRTHS),
            phone=pick.choice(PHONES),
        )
    crowd = rules.LOOK_ALIKE_LIMIT + 1
    for n in range(crowd // 2):  # part of each crowd is already there, here or elsewhere
        make_person(COMMUNITY_A if n % 2 else ELSEWHERE, name="丁山", id_number="",
                    phone=CROWDED_PHONE)  # fmt: skip
        make_person(COMMUNITY_A if n % 2 else ELSEWHERE, name=CROWDED_NAME, id_number="",
                    birth_date=CROWDED_BIRTH)  # fmt: skip
    rows = [
        [pick.choice(NAMES), "回族", "女", _day(pick.choice(BIRTHS)), pick.choice(PHONES)]
        for _ in range(25)
    ]
    rows += [["丁山", "回族", "男", "", CROWDED_PHONE]] * (crowd - crowd // 2)
    rows += [[CROWDED_NAME, "回族", "男", _day(CROWDED_BIRTH), ""]] * (crowd - crowd // 2)
    pick.shuffle(rows)
    return rows


def _day(born: date | None) -> str:
    return born.isoformat() if born else ""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_commit_queues_exactly_the_pairs_of_the_single_create_rule(cast, seed: int) -> None:
    rows = generated(seed)
    before = set(Person.objects.values_list("pk", flat=True))
    commit_import(read_ledger(ledger_bytes(rows, headers=HEADERS)), community(), actor=None)
    new = Person.objects.exclude(pk__in=before).order_by("pk")
    assert new.count() == len(rows)
    queued: dict[int, set[tuple[int, str]]] = {}
    for person, other, reason in DuplicateCandidate.objects.values_list(
        "person", "other", "reason"
    ):
        queued.setdefault(person, set()).add((other, reason))
    for person in new:
        expected = {(pk, reason) for pk, reason in look_alikes_of(person) if pk < person.pk}
        assert queued.get(person.pk, set()) == expected, person.name
    # The crowded phone's files (丁山, no birth date) and the crowded name's have no pair.
    assert not DuplicateCandidate.objects.filter(person__name__in=["丁山", CROWDED_NAME]).exists()
    assert DuplicateCandidate.objects.filter(reason=rules.SAME_PHONE).exists()
    assert DuplicateCandidate.objects.filter(reason=rules.SAME_NAME_AND_BIRTH).exists()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_preview_marks_exactly_the_rows_of_the_rule(cast, seed: int) -> None:
    """Within the community and the ledger (the preview reads no other file)."""
    plan = plan_import(read_ledger(ledger_bytes(generated(seed), headers=HEADERS)), community())
    files = Person.objects.filter(area_code=COMMUNITY_A)
    holders: list[tuple[int | None, list[tuple[str, tuple[Any, ...]]]]] = [
        (None, rules.look_alike_keys(name=f.name, birth_date=f.birth_date, phone_hash=f.phone_hash))
        for f in files
    ]  # (None: a file of the community, or the ledger row's number; its look-alike values)
    holders += [
        (
            number,
            rules.look_alike_keys(
                name=row.name,
                birth_date=row.birth_date,
                phone_hash=phone_hash(row.phone) if row.phone else "",
            ),
        )
        for number, row in plan.create
    ]

    def marked(number: int, keys: list[tuple[str, tuple[Any, ...]]]) -> bool:
        for key in keys:
            sharing = [other for other, its_keys in holders if key in its_keys]
            if rules.crowded(len(sharing)):
                continue
            if any(other is None or other < number for other in sharing if other != number):
                return True
        return False

    expected = [number for number, keys in holders if number is not None and marked(number, keys)]
    assert plan.possible_duplicates == expected
    assert expected  # the generated ledgers do have look-alikes
