"""How a validated input becomes a file's columns: the same for create, update and import.

A single create, an edit, a visit's correction and a 100,000-row import all store a file through
`person_columns` (and `identifiers.identifier_columns`), so an imported file is stored exactly
as a file created on the web.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tongcheng.lib.pinyin import name_initials, name_pinyin
from tongcheng.registry.identifiers import ENCRYPTED_FIELDS, decrypt, identifier_columns

if TYPE_CHECKING:
    from tongcheng.registry.models import Person
    from tongcheng.registry.validation import PersonInput

# Name pieces of this length and shorter are indexed (NameKey); longer queries use the first.
NAME_KEY_LENGTH = 3

# The file's fields a person input sets, besides the identifiers (encrypted) and the name keys.
INPUT_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "origin_text",
    "occupation",
    "occupation_text",
    "employer",
    "credit_code",
    "arrived_on",
    "permit_kind",
    "permit_issued_on",
    "permit_expires_on",
    "notes",
)

# The words a ledger writes for each occupation category, the screens' words first (the
# template offers those: one vocabulary for the template and the pages), then the older
# template's, so that a filled-in old template still imports. A file format, not translated.
OCCUPATION_WORDS: dict[str, tuple[str, ...]] = {
    "noodle_restaurant": ("拉面馆/餐馆经营者", "拉面/餐饮经营"),
    "catering_work": ("餐饮从业人员", "餐饮服务"),
    "construction": ("建筑工人", "建筑务工"),
    "vendor": ("个体经商", "个体商贩"),
    "transport": ("交通运输", "运输"),
    "factory": ("工厂工人", "工厂务工"),
    "student": ("学生",),
    "unemployed": ("未就业", "无业"),
    "other": ("其他",),
}
# Word → category, for the import to read a cell that is exactly one of these words.
OCCUPATION_SYNONYMS: dict[str, str] = {
    word: code for code, words in OCCUPATION_WORDS.items() for word in words
}


# Person.name_pinyin and name_initials' lengths: a name of the 64 characters allowed spells
# longer (64 × 爨 is 256 letters of "cuan"), which PostgreSQL refused (a 500). The keys are cut
# to the columns; a search by pinyin or initials matches their start.
PINYIN_MAX = 128
INITIALS_MAX = 32


def name_columns(name: str) -> dict[str, str]:
    return {
        "name_pinyin": name_pinyin(name)[:PINYIN_MAX],
        "name_initials": name_initials(name)[:INITIALS_MAX],
    }


def name_keys(name: str) -> set[str]:
    """Every 1- to 3-character piece of the name (the `·` of transliterated names excluded)."""
    keys: set[str] = set()
    for part in name.replace("·", " ").split():
        for size in range(1, NAME_KEY_LENGTH + 1):
            for start in range(len(part) - size + 1):
                keys.add(part[start : start + size])
    return keys


def person_columns(
    data: PersonInput, *, id_hash: str = "", phone_hash: str = "", pinyin: bool = True
) -> dict[str, Any]:
    """Model column values of a validated input (the same for create, update and import).

    `id_hash`, `phone_hash`: keyed hashes the caller computed already (the import).
    `pinyin=False` leaves name_pinyin and name_initials to the caller (the import's helper
    processes, which do not load the pinyin dictionaries)."""
    columns: dict[str, Any] = {name: getattr(data, name) for name in INPUT_FIELDS}
    columns["ethnicity_id"] = data.ethnicity_code
    columns["origin_region_id"] = data.origin_region_code or None
    columns["origin_province"] = data.origin_region_code[:2]
    columns.update(
        identifier_columns(
            id_number=data.id_number,
            phone=data.phone,
            address=data.address,
            permit_number=data.permit_number,
            id_hash=id_hash,
            phone_hashed=phone_hash,
        )
    )
    if pinyin:
        columns.update(name_columns(data.name))
    return columns


def filled_fields(data: PersonInput) -> list[str]:
    """Names of the fields that hold a value (history and audit name fields, never values)."""
    names = [name for name in (*INPUT_FIELDS, *ENCRYPTED_FIELDS) if getattr(data, name)]
    if data.ethnicity_code:
        names.append("ethnicity")
    if data.origin_region_code:
        names.append("origin_region")
    return sorted(names)


def person_changes(person: Person, data: PersonInput) -> dict[str, Any]:
    """The columns whose value `data` changes (encrypted ones compared in clear)."""
    new = person_columns(data)
    changes: dict[str, Any] = {}
    for name in (*INPUT_FIELDS, "ethnicity_id", "origin_region_id"):
        if getattr(person, name) != new[name]:
            changes[name] = new[name]
    if "name" in changes:
        changes.update(name_columns(data.name))
    if "origin_region_id" in changes:
        changes["origin_province"] = new["origin_province"]
    for name in ENCRYPTED_FIELDS:
        if decrypt(person, name) != getattr(data, name):
            for column in (f"{name}_enc", f"{name}_hash", f"{name}_last4"):
                if column in new:
                    changes[column] = new[column]
    return changes
