"""What a role sees without "show full numbers" never determines an identifier.

For generated files, the test reads what the pages and the API show to roles that do not reveal
(the detail page, the ledger list and its search by last 4, the API list and detail), as an
attacker would: the masks, the birth date as shown, the sex. It grants the attacker the region
code (the origin county, shown on the page). It then counts every valid 18-character ID number
(lib.idnumber's check digit, a real birth date) and every phone number consistent with all of it:
at least 10,000 each (docs/security.md, "Masks"). With the mask of the first 4 + last 4 and the
full birth date this count was 1-10. What a search hit itself says (that a number ends in the
4 digits typed) is not shown but answered, one look-up each: the daily allowance limits it
(test_lookups.py, test_allowance.py).
"""

from __future__ import annotations

import calendar
import html
import random
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tongcheng.conftest import Cast
from tongcheng.lib.idnumber import check_digit, make_id_number
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
CANDIDATES_MIN = 10_000
# The roles of the attack: a community officer and the read-only inspector.
ROLES = ("community_a", "inspector")
# Counties of origin (GB/T 2260), as the files of the city's ledger have them.
COUNTIES = ("622924", "632122", "652801", "530102", "640122", "450102")
_MOBILE_PREFIXES = ("138", "139", "177", "186", "150", "199")


def _files(cast: Cast) -> list[Any]:
    """Births on every kind of month end (28, 29, 30, 31 days), both sexes, mobiles and
    landlines, and random others."""
    rng = random.Random(20261202)
    births = [date(1987, 2, 14), date(1988, 2, 29), date(1990, 4, 30), date(1985, 3, 31)]
    births += [
        date(rng.randint(1940, 2010), rng.randint(1, 12), rng.randint(1, 28)) for _ in range(4)
    ]
    files = []
    for index, born in enumerate(births):
        sex = "male" if index % 2 else "female"
        number = make_id_number(COUNTIES[index % len(COUNTIES)], born, rng.randint(0, 499), sex)
        if index % 4 == 3:
            phone = f"0355-{rng.randint(2_000_000, 9_999_999)}"
        else:
            phone = rng.choice(_MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
        files.append(
            make_person(A, name=f"马{chr(0x4E00 + index)}", id_number=number, sex=sex, phone=phone)
        )
    return files


def _field(content: str, label: str) -> str:
    """The text of a detail page's <dd> after the <dt> with this label."""
    match = re.search(rf"<dt[^>]*>{re.escape(label)}</dt><dd[^>]*>(.*?)</dd>", content, re.S)
    assert match, label
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def _codes(content: str) -> list[str]:
    """Every masked-looking value shown in a tc-code cell (ID numbers and phones)."""
    return [
        html.unescape(value).strip() for value in re.findall(r'tc-code[^"]*">([^<]*)<', content)
    ]


class Seen:
    """What one attacker gathered about one file: masks, birth shown, sex."""

    def __init__(self) -> None:
        self.id_masks: set[str] = set()
        self.phone_masks: set[str] = set()
        self.births: set[str] = set()
        self.sexes: set[str] = set()

    def add_code(self, value: str) -> None:
        if len(value) == 18:
            self.id_masks.add(value)
        elif value and value != "—":
            self.phone_masks.add(value)


def _birth_days(shown: str) -> list[date]:
    """Every date a shown birth date can be: a full date, or a year and month."""
    full = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", shown)
    if full:
        return [date(*map(int, full.groups()))]
    month = re.fullmatch(r"(\d{4})(?:年|-)(\d{1,2})月?", shown)
    assert month, f"a birth date shown as {shown!r}"
    year, number = int(month.group(1)), int(month.group(2))
    return [date(year, number, day) for day in range(1, calendar.monthrange(year, number)[1] + 1)]


def _pattern(mask: str) -> re.Pattern[str]:
    """A mask as a pattern: each star any one character, the rest as shown."""
    return re.compile("".join("." if char == "*" else re.escape(char) for char in mask))


def id_candidates(seen: Seen, region: str) -> int:
    """Valid ID numbers with this region (known to the attacker) matching all that was seen."""
    births = set.intersection(*(set(_birth_days(shown)) for shown in seen.births))
    parity = {"男": 1, "女": 0}[next(iter(seen.sexes))]
    patterns = [_pattern(mask) for mask in seen.id_masks]
    count = 0
    for born in births:
        head = region + born.strftime("%Y%m%d")
        for order in range(parity, 1000, 2):
            first17 = head + f"{order:03d}"
            number = first17 + check_digit(first17)
            if all(pattern.fullmatch(number) for pattern in patterns):
                count += 1
    return count


def phone_candidates(seen: Seen) -> int:
    """Phone numbers matching every mask seen: 10 per hidden digit (a landline's first
    subscriber digit is 2-9, a mobile's second 3-9: counted as such)."""
    (mask,) = seen.phone_masks
    if mask.startswith("1"):
        return 10 ** mask.count("*")
    subscriber = mask.split("-")[1]
    hidden = subscriber.count("*")
    return 10 ** (hidden - 1) * (8 if subscriber[0] == "*" else 10)


def _gather(cast: Cast, person: Any, client: Client) -> Seen:
    seen = Seen()
    detail = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    seen.births.add(_field(detail, gettext("Birth date")))
    seen.sexes.add(_field(detail, gettext("Sex")))
    for value in (_field(detail, gettext("ID number")), _field(detail, gettext("Phone"))):
        seen.add_code(value)
    # The ledger list, and a search by the last 4 of each number (what the search confirms).
    for query in (
        {},
        {"q": decrypt(person, "phone")[-4:]},
        {"q": decrypt(person, "id_number")[-4:]},
    ):
        listed = client.get(reverse("registry:person_list"), query).content.decode()
        row = listed.split(f'href="{reverse("registry:person_detail", args=[person.pk])}"', 1)
        if len(row) == 2:
            for value in _codes(row[1].split("</tr>", 1)[0]):
                seen.add_code(value)
    api = client.get(f"/api/v1/persons/{person.pk}").json()
    seen.add_code(api["id_number_masked"])
    seen.add_code(api["phone_masked"])
    seen.births.add(api.get("birth_date") or api["birth_month"])
    for item in client.get("/api/v1/persons").json()["items"]:
        if item["id"] == person.pk:
            seen.add_code(item["id_number_masked"])
            seen.births.add(item.get("birth_date") or item["birth_month"])
    return seen


@pytest.mark.parametrize("username", ROLES)
def test_it_leaves_at_least_10000_candidates_for_every_number(cast: Cast, username: str) -> None:
    files = _files(cast)
    client = cast.client(username)
    with translation.override("zh-hans"):
        for person in files:
            seen = _gather(cast, person, client)
            assert seen.id_masks and seen.phone_masks and seen.births and seen.sexes
            number = decrypt(person, "id_number")
            region = number[:6]
            ids = id_candidates(seen, region)
            assert ids >= CANDIDATES_MIN, (number, seen.id_masks, seen.births, ids)
            phones = phone_candidates(seen)
            assert phones >= CANDIDATES_MIN, (seen.phone_masks, phones)


def test_it_counts_what_the_old_mask_and_full_birth_date_left() -> None:
    """The counter itself: 1404**********1234 beside 1990-01-01 and 男 leaves a handful."""
    number = make_id_number("140403", date(1990, 1, 1), 123, "male")
    seen = Seen()
    seen.id_masks.add(number[:4] + "*" * 10 + number[-4:])
    seen.births.add("1990-01-01")
    seen.sexes.add("男")
    assert 1 <= id_candidates(seen, "140403") < 10
    seen = Seen()
    seen.id_masks.add(number[:6] + "*" * 12)
    seen.births.add("1990年1月")
    seen.sexes.add("男")
    assert id_candidates(seen, "140403") == 31 * 500
    seen.phone_masks.add("0355-***1234")
    assert phone_candidates(seen) == 800
