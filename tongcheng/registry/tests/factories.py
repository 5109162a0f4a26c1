"""Test data for the ledger: person files stored exactly as the actions store them.

`make_person` writes the encrypted identifier columns, the pinyin columns and the NameKey rows
with the same helpers the create action and the import use, so search, masking and reveal work
on factory files as on real ones. It writes no history or audit event (tests assert those of
the operation under test only).
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from tongcheng.lib.idnumber import make_id_number
from tongcheng.org.models import Area, Ethnicity, Region
from tongcheng.registry.actions.names import name_keys_refresh
from tongcheng.registry.columns import name_columns
from tongcheng.registry.identifiers import identifier_columns
from tongcheng.registry.models import Person

# Synthetic ID numbers: 广河县 (甘肃临夏), one new birth date per call so numbers never collide.
_ID_AREA = "622924"
_ID_FIRST_BIRTH = date(1980, 1, 1)
_counter = itertools.count()


def synthetic_id_number(
    *, birth_date: date | None = None, sex: str | None = None, area: str = _ID_AREA
) -> str:
    """A valid, unique synthetic ID number (valid check digit), optionally for a given birth/sex."""
    n = next(_counter)
    born = birth_date or _ID_FIRST_BIRTH + timedelta(days=n % 9000)
    return make_id_number(area, born, n % 500, "male" if sex == "male" else "female")


def make_person(
    community_code: str,
    *,
    name: str = "马晓梅",
    ethnicity: str = "03",
    id_number: str | None = None,
    phone: str = "",
    address: str = "",
    permit_number: str = "",
    **fields: Any,
) -> Person:
    """Create a file in the community with that 12-digit code.

    `id_number=None` generates a valid synthetic number (birth date and sex are then taken
    from it unless given); `id_number=""` means the file has none. Other keyword arguments are
    Person fields (`origin_region` may be a Region or a 6-digit code).
    """
    community = Area.objects.get(code=community_code)
    if id_number is None:
        id_number = synthetic_id_number(birth_date=fields.get("birth_date"), sex=fields.get("sex"))
    if id_number:
        fields.setdefault(
            "birth_date", date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        )
        fields.setdefault("sex", "male" if int(id_number[16]) % 2 else "female")
    origin = fields.pop("origin_region", None)
    if isinstance(origin, str):
        origin = Region.objects.get(code=origin)
    if origin is not None:
        fields.setdefault("origin_province", origin.code[:2])
    person = Person.objects.create(
        name=name,
        ethnicity=Ethnicity.objects.get(code=ethnicity),
        community=community,
        area_code=community.code,
        origin_region=origin,
        **identifier_columns(
            id_number=id_number, phone=phone, address=address, permit_number=permit_number
        ),
        **name_columns(name),
        **fields,
    )
    name_keys_refresh(person)
    return person
