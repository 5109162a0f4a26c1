"""The one validation of a person file's fields: used by the web form, the API and the import.

The import calls `validate_person` once per spreadsheet row (100k rows), so this is plain
functions over dictionaries built once (`ReferenceCache`): no Django form, no query per row,
translated messages only when there is something to say.

`raw` holds the canonical field keys of tongcheng.lib.headers (name, id_number, ethnicity, sex,
birth_date, phone, origin, address, occupation, employer, credit_code, arrival_date,
permit_number, permit_issued, permit_expires, notes) with whatever the cell or form field held.
The web form and the API may also pass `origin_region` (a 6-digit GB/T 2260 code chosen from a
list), `occupation_text` and `permit_kind`.

Long because it is one table of rules: every field's words, messages and checks, and the
reference data they are checked against, read by each row of an import; split, the import's
per-row path would cross modules for what is one decision.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.creditcode import CreditCodeError, parse_credit_code
from tongcheng.lib.dates import DateParseError, parse_date
from tongcheng.lib.idnumber import IdNumberError, parse_id_number
from tongcheng.lib.phone import PhoneError, normalize_phone
from tongcheng.lib.textnorm import (
    Problem,
    normalize_digits,
    normalize_name,
    normalize_text,
    text_problem,
)
from tongcheng.org.models import Ethnicity, Region
from tongcheng.registry.models import Occupation, Person

# Where each raw key's value ends up: its verbose name labels messages about it.
FIELD_LABELS: dict[str, Promise | str] = {
    "name": Person._meta.get_field("name").verbose_name,
    "ethnicity": Person._meta.get_field("ethnicity").verbose_name,
    "sex": Person._meta.get_field("sex").verbose_name,
    "birth_date": Person._meta.get_field("birth_date").verbose_name,
    "id_number": _("ID number"),
    "phone": _("phone"),
    "origin": Person._meta.get_field("origin_region").verbose_name,
    "address": _("address"),
    "occupation": Person._meta.get_field("occupation").verbose_name,
    "employer": Person._meta.get_field("employer").verbose_name,
    "credit_code": Person._meta.get_field("credit_code").verbose_name,
    "arrival_date": Person._meta.get_field("arrived_on").verbose_name,
    "permit_kind": Person._meta.get_field("permit_kind").verbose_name,
    "permit_number": _("permit number"),
    "permit_issued": Person._meta.get_field("permit_issued_on").verbose_name,
    "permit_expires": Person._meta.get_field("permit_expires_on").verbose_name,
    "notes": Person._meta.get_field("notes").verbose_name,
}

_MSG_REQUIRED = _("%(field)s is required.")
_MSG_TOO_LONG = _("%(field)s is too long: at most %(limit)d characters.")
_MSG_NAME_CHARS = _("%(field)s may not contain digits.")
_MSG_ETHNICITY = _(
    "%(field)s: “%(value)s” is not an ethnic group of GB/T 3304; choose one from the list "
    "(or 未申报 when not declared)."
)
_MSG_SEX = _("%(field)s must be male (男) or female (女).")
_MSG_SEX_CONFLICT = _(
    "%(field)s does not match the ID number, which says %(derived)s; correct the sex or the "
    "ID number."
)
_MSG_BIRTH_CONFLICT = _(
    "%(field)s does not match the ID number, which says %(derived)s; correct the birth date or "
    "the ID number."
)
_MSG_FIELD_PROBLEM = _("%(field)s: %(message)s")
# The ID number, phone and credit code parsers' messages already name their field.
_MSG_AS_IS = _("%(message)s")
_MSG_FUTURE = _("%(field)s is in the future.")
_MSG_BEFORE_BIRTH = _("%(field)s is before the birth date.")
_MSG_PERMIT_ORDER = _("%(field)s is before the permit's issue date.")
_MSG_ORIGIN_CODE = _("%(field)s: %(value)s is not a code of the national list of regions.")
_MSG_ORIGIN_UNKNOWN = _(
    "%(field)s: the place “%(value)s” was not found in the national list; it is kept as text."
)
_MSG_PERMIT_KIND = _("%(field)s must be a residence permit or a temporary residence permit.")

_SEX_WORDS = {
    "男": "male",
    "男性": "male",
    "M": "male",
    "MALE": "male",
    "1": "male",
    "女": "female",
    "女性": "female",
    "F": "female",
    "FEMALE": "female",
    "2": "female",
}
_PERMIT_KIND_WORDS = {
    "residence": "residence",
    "居住证": "residence",
    "temporary": "temporary",
    "暂住证": "temporary",
}
# Common ways of writing an ethnic group besides its GB/T 3304 name (and the name without 族).
_ETHNICITY_VARIANTS = {
    "维族": "05",
    "维吾尔": "05",
    "蒙族": "02",
    "蒙古": "02",
    "藏": "04",
    "朝族": "10",
    "回民": "03",
    "哈族": "17",
    "柯族": "29",
    "未申报": "00",
    "未申明": "00",
    "未登记": "00",
}
# Occupation words, most specific first: the first word found in the text decides the category.
_OCCUPATION_WORDS: tuple[tuple[str, str], ...] = (
    ("拉面", Occupation.NOODLE_RESTAURANT.value),
    ("牛肉面", Occupation.NOODLE_RESTAURANT.value),
    ("面馆", Occupation.NOODLE_RESTAURANT.value),
    ("餐饮经营", Occupation.NOODLE_RESTAURANT.value),
    ("饭店", Occupation.NOODLE_RESTAURANT.value),
    ("餐馆", Occupation.NOODLE_RESTAURANT.value),
    ("清真餐", Occupation.NOODLE_RESTAURANT.value),
    ("餐饮服务", Occupation.CATERING_WORK.value),
    ("服务员", Occupation.CATERING_WORK.value),
    ("厨师", Occupation.CATERING_WORK.value),
    ("餐饮", Occupation.CATERING_WORK.value),
    ("建筑", Occupation.CONSTRUCTION.value),
    ("工地", Occupation.CONSTRUCTION.value),
    ("装修", Occupation.CONSTRUCTION.value),
    ("泥瓦", Occupation.CONSTRUCTION.value),
    ("商贩", Occupation.VENDOR.value),
    ("个体", Occupation.VENDOR.value),
    ("摆摊", Occupation.VENDOR.value),
    ("经商", Occupation.VENDOR.value),
    ("生意", Occupation.VENDOR.value),
    ("小卖", Occupation.VENDOR.value),
    ("运输", Occupation.TRANSPORT.value),
    ("司机", Occupation.TRANSPORT.value),
    ("货运", Occupation.TRANSPORT.value),
    ("出租", Occupation.TRANSPORT.value),
    ("快递", Occupation.TRANSPORT.value),
    ("外卖", Occupation.TRANSPORT.value),
    ("工厂", Occupation.FACTORY.value),
    ("厂", Occupation.FACTORY.value),
    ("学生", Occupation.STUDENT.value),
    ("上学", Occupation.STUDENT.value),
    ("在校", Occupation.STUDENT.value),
    ("无业", Occupation.UNEMPLOYED.value),
    ("待业", Occupation.UNEMPLOYED.value),
    ("失业", Occupation.UNEMPLOYED.value),
    ("家务", Occupation.UNEMPLOYED.value),
    ("无", Occupation.UNEMPLOYED.value),
)
# Exactly these texts are the category itself, no details to keep.
_OCCUPATION_LABELS = {
    "拉面/餐饮经营": Occupation.NOODLE_RESTAURANT.value,
    "拉面": Occupation.NOODLE_RESTAURANT.value,
    "餐饮经营": Occupation.NOODLE_RESTAURANT.value,
    "餐饮服务": Occupation.CATERING_WORK.value,
    "餐饮": Occupation.CATERING_WORK.value,
    "建筑务工": Occupation.CONSTRUCTION.value,
    "建筑": Occupation.CONSTRUCTION.value,
    "个体商贩": Occupation.VENDOR.value,
    "小商贩": Occupation.VENDOR.value,
    "个体": Occupation.VENDOR.value,
    "运输": Occupation.TRANSPORT.value,
    "工厂务工": Occupation.FACTORY.value,
    "学生": Occupation.STUDENT.value,
    "无业": Occupation.UNEMPLOYED.value,
    "其他": Occupation.OTHER.value,
}

# Region names: the part that people write without the administrative suffix.
_PROVINCE_SUFFIX = re.compile(r"(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市)$")
_LOWER_SUFFIX = re.compile(
    r"^(.{2,}?)((?:[\u4e00-\u9fff]{1,5}?族)*自治[州县旗]|地区|林区|市|盟|州|县|区|旗)$"
)
# Prefecture-level placeholders of GB/T 2260 that are not places.
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_OCCUPATION_CODES = frozenset(Occupation.values)
# The longest value each field takes, and the one check of its characters (text_problem): the
# web forms (their max_length and validators), the API's schemas and the import all read this
# table, so none of them stores what another refuses. A column's own length where it has one; for
# the encrypted address and the free-text notes, a length a person writes (a 350,000-character
# address came in through the API before). The other fields of a file are codes, dates and
# choices: a generous bound, then their own parser decides.
TEXT_LIMITS: dict[str, int] = {
    "name": 64,
    "ethnicity": 32,
    "id_number": 40,
    "sex": 16,
    "birth_date": 32,
    "phone": 40,
    "origin": 128,
    "origin_region": 12,
    "address": 255,
    "occupation": 128,
    "occupation_text": 128,
    "employer": 128,
    "credit_code": 40,
    "arrival_date": 32,
    "permit_kind": 32,
    "permit_number": 40,
    "permit_issued": 32,
    "permit_expires": 32,
    "notes": 2000,
    # Not a file's fields: a movement's reason and the choice fields of visits and movements.
    "reason": 255,
    "choice": 32,
}
_MAX_LENGTHS = {"name": 64, "origin_text": 128, "occupation_text": 128, "employer": 128}


@dataclass(slots=True)
class PersonInput:
    """Normalised values of one person file ("" / None when absent)."""

    name: str = ""
    ethnicity_code: str = ""
    sex: str = ""
    birth_date: date | None = None
    id_number: str = ""
    phone: str = ""
    origin_region_code: str = ""
    origin_text: str = ""
    address: str = ""
    occupation: str = ""
    occupation_text: str = ""
    employer: str = ""
    credit_code: str = ""
    arrived_on: date | None = None
    permit_kind: str = ""
    permit_number: str = ""
    permit_issued_on: date | None = None
    permit_expires_on: date | None = None
    notes: str = ""


@dataclass(slots=True)
class FieldIssue:
    field: str
    message: str
    code: str


@dataclass(slots=True)
class _Region:
    code: str
    name: str
    level: str
    parent: str


@dataclass
class ReferenceCache:
    """Ethnic groups, regions and occupation words, read once (two queries) and reused."""

    ethnicity_by_key: dict[str, str] = field(default_factory=dict)
    ethnicity_names: dict[str, str] = field(default_factory=dict)
    regions: dict[str, _Region] = field(default_factory=dict)
    # province code → [(name, region code), …] of its prefectures / counties, longest first.
    _children: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    _provinces: list[tuple[str, str]] = field(default_factory=list)
    _origin_memo: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> ReferenceCache:
        cache = cls()
        cache.add_ethnicities(Ethnicity.objects.values_list("code", "name", "romanized"))
        cache.add_regions(Region.objects.values_list("code", "name", "level", "parent_id"))
        return cache

    def add_ethnicities(self, rows: Iterable[tuple[str, str, str]]) -> None:
        for code, name, romanized in rows:
            self.ethnicity_names[code] = name
            keys = {code, code.lstrip("0") or "0", name, name.removesuffix("族")}
            if romanized:
                keys.add(romanized.upper())
            for key in keys:
                self.ethnicity_by_key.setdefault(key, code)
        for variant, code in _ETHNICITY_VARIANTS.items():
            if code in self.ethnicity_names:
                self.ethnicity_by_key.setdefault(variant, code)

    def add_regions(self, rows: Iterable[tuple[str, str, str, str | None]]) -> None:
        for code, name, level, parent in rows:
            self.regions[code] = _Region(code, name, level, parent or "")
        for region in self.regions.values():
            names = _region_names(region)
            if region.level == "province":
                self._provinces.extend((n, region.code) for n in names)
            elif region.name not in _PLACEHOLDERS:
                self._children.setdefault(region.parent, []).extend((n, region.code) for n in names)
                if region.level == "county":
                    # Counties are also found from their province (municipalities, and
                    # "甘肃广河县" without the prefecture).
                    province = self.regions.get(region.parent)
                    if province is not None and province.parent:
                        self._children.setdefault(province.parent, []).extend(
                            (n, region.code) for n in names
                        )
        self._provinces.sort(key=lambda pair: -len(pair[0]))
        for children in self._children.values():
            children.sort(key=lambda pair: -len(pair[0]))

    def ethnicity_code(self, value: str) -> str | None:
        return self.ethnicity_by_key.get(value) or self.ethnicity_by_key.get(value.upper())

    def match_region(self, text: str) -> str:
        """The code of the most specific region named at the start of `text`, or ""."""
        memo = self._origin_memo.get(text)
        if memo is not None:
            return memo
        found = self._match_region(text)
        if len(self._origin_memo) < 100_000:
            self._origin_memo[text] = found
        return found

    def _match_region(self, text: str) -> str:
        text = text.replace(" ", "")
        code = ""
        rest = text
        for name, province in self._provinces:
            if rest.startswith(name):
                code, rest = province, rest[len(name) :]
                break
        if not code:
            # No province named: a prefecture or county on its own, if its name is unique.
            return self._unique_lower(rest)
        # Down the tree while a child's name starts the rest (prefecture, then county).
        while rest:
            step = _first_match(self._children.get(code, ()), rest)
            if step is None:
                break
            code, rest = step[1], rest[len(step[0]) :]
        return code

    def _unique_lower(self, text: str) -> str:
        matches: dict[str, str] = {}
        for parent, names in self._children.items():
            if self.regions.get(parent) is None or self.regions[parent].level != "province":
                continue
            step = _first_match(names, text)
            if step is not None and len(step[0]) >= 2:
                matches[step[1]] = step[0]
        if len(matches) != 1:
            return ""
        code, name = next(iter(matches.items()))
        rest = text[len(name) :]
        while rest:
            step = _first_match(self._children.get(code, ()), rest)
            if step is None:
                break
            code, rest = step[1], rest[len(step[0]) :]
        return code

    def region_label(self, code: str) -> str:
        """ "甘肃省 临夏回族自治州 广河县" for a county code."""
        parts: list[str] = []
        region = self.regions.get(code)
        while region is not None:
            if region.name not in _PLACEHOLDERS:
                parts.append(region.name)
            region = self.regions.get(region.parent)
        return " ".join(reversed(parts))


_shared: ReferenceCache | None = None


def reference_cache() -> ReferenceCache:
    """The process-wide cache for forms and the API (reference data changes only on deploy)."""
    global _shared
    if _shared is None:
        _shared = ReferenceCache.load()
    return _shared


def _region_names(region: _Region) -> set[str]:
    names = {region.name}
    pattern = _PROVINCE_SUFFIX if region.level == "province" else _LOWER_SUFFIX
    match = (
        pattern.search(region.name) if region.level == "province" else pattern.match(region.name)
    )
    if match:
        short = region.name[: match.start()] if region.level == "province" else match.group(1)
        if len(short) >= 2:
            names.add(short)
    if region.name.startswith("内蒙古"):
        names.add("内蒙")
    return names


def _first_match(names: Iterable[tuple[str, str]], text: str) -> tuple[str, str] | None:
    for name, code in names:
        if text.startswith(name):
            return name, code
    return None


# Cleaned texts and parsed dates by cell value: a ledger repeats its ethnic groups, places,
# occupations and dates on thousands of rows, and both functions are pure. Only the columns
# of categories are remembered (no names or addresses kept in a process-wide memo). Bounded;
# the date memo is also emptied when the day changes (2-digit years are read from today).
_MEMO_LIMIT = 100_000
_MEMO_KEYS = frozenset({"ethnicity", "sex", "origin", "origin_region", "occupation", "permit_kind"})
_TEXT_MEMO: dict[str, str] = {}
_DATE_MEMO: dict[tuple[type, Any], date] = {}
_date_memo_day: list[date] = []
_date_memo_checked: list[float] = [0.0]


def _clean(value: str) -> str:
    cleaned = _TEXT_MEMO.get(value)
    if cleaned is None:
        cleaned = normalize_text(value)
        if len(_TEXT_MEMO) >= _MEMO_LIMIT:
            _TEXT_MEMO.clear()
        _TEXT_MEMO[value] = cleaned
    return cleaned


def _parse_date(value: Any) -> date:
    """parse_date (raising DateParseError), remembered for cell values that parse."""
    if type(value) not in (str, int, float):
        return parse_date(value)
    key = (type(value), value)
    parsed = _DATE_MEMO.get(key)
    if parsed is None:
        parsed = parse_date(value)
        if len(_DATE_MEMO) >= _MEMO_LIMIT:
            _DATE_MEMO.clear()
        _DATE_MEMO[key] = parsed
    return parsed


def _date_memo_check() -> None:
    # Reading the clock per row costs more than the rest of a date cell: look at most once a
    # second (a memo a second into a new day still parses 2-digit years as yesterday did).
    now = time.monotonic()
    if _date_memo_day and now - _date_memo_checked[0] < 1.0:
        return
    _date_memo_checked[0] = now
    day = date.today()  # parse_date's own notion of today
    if not _date_memo_day or _date_memo_day[0] != day:
        _DATE_MEMO.clear()
        _date_memo_day[:] = [day]


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None or value == "":
        return ""
    if type(value) is str:
        return _clean(value) if key in _MEMO_KEYS else normalize_text(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value))


class _Issues:
    __slots__ = ("errors", "warnings")

    def __init__(self) -> None:
        self.errors: list[FieldIssue] = []
        self.warnings: list[FieldIssue] = []

    def error(self, key: str, template: Promise, code: str, **params: Any) -> None:
        self.errors.append(_issue(key, template, code, params))

    def warn(self, key: str, template: Promise, code: str, **params: Any) -> None:
        self.warnings.append(_issue(key, template, code, params))


def _issue(key: str, template: Promise, code: str, params: dict[str, Any]) -> FieldIssue:
    params = {"field": FIELD_LABELS.get(key, key), **params}
    text = str(template) % {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}
    return FieldIssue(key, text[:1].upper() + text[1:], code)


def _date(raw: Mapping[str, Any], key: str, issues: _Issues, today: date) -> date | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if type(value) is date:
        parsed: date | None = value
    else:
        try:
            parsed = _parse_date(value)
        except DateParseError as exc:
            issues.error(key, _MSG_FIELD_PROBLEM, exc.code, message=exc.message)
            return None
    if parsed is not None and parsed > today:
        issues.error(key, _MSG_FUTURE, "future")
        return None
    return parsed


def text_issue(key: str, value: str) -> Problem | None:
    """What is wrong with a text value of the field `key` (TEXT_LIMITS), or None."""
    return text_problem(value, max_length=TEXT_LIMITS[key])


def check_text(label: Any, key: str) -> Callable[[str], None]:
    """A form field's validator applying the field's rule, its message naming the field."""

    def validate(value: str) -> None:
        problem = text_issue(key, value)
        if problem is not None:
            message = _MSG_FIELD_PROBLEM % {"field": label, "message": problem.message}
            raise ValidationError(message, code=problem.code)

    return validate


def apply_text_rules(fields: Mapping[str, Any], keys: Mapping[str, str] | None = None) -> None:
    """Give each text field of a form the rule of its key in TEXT_LIMITS (its name, or `keys`).

    The rule replaces Django's own max_length and NUL checks, which it contains: one message per
    problem, and the same decision as the API and the import.
    """
    for name, form_field in fields.items():
        key = (keys or {}).get(name, name)
        if not isinstance(form_field, forms.CharField) or key not in TEXT_LIMITS:
            continue
        form_field.max_length = TEXT_LIMITS[key]
        form_field.widget.attrs["maxlength"] = str(TEXT_LIMITS[key])
        form_field.validators = [
            validator
            for validator in form_field.validators
            if not isinstance(validator, MaxLengthValidator | ProhibitNullCharactersValidator)
        ]
        form_field.validators.append(check_text(form_field.label, key))


def _screen_texts(raw: Mapping[str, Any]) -> tuple[Mapping[str, Any], list[FieldIssue]]:
    """The fields whose text breaks text_issue's rule: one error each, and left out of `raw`
    (not read further, so not refused twice)."""
    errors = []
    for key, value in raw.items():
        if type(value) is str and value and key in TEXT_LIMITS:
            problem = text_issue(key, value)
            if problem is not None:
                params = {"message": problem.message}
                errors.append(_issue(key, _MSG_FIELD_PROBLEM, problem.code, params))
    if not errors:
        return raw, errors
    refused = {issue.field for issue in errors}
    return {key: value for key, value in raw.items() if key not in refused}, errors


def _merged(text_errors: list[FieldIssue], errors: list[FieldIssue]) -> list[FieldIssue]:
    if not text_errors:
        return errors
    refused = {issue.field for issue in text_errors}
    return text_errors + [issue for issue in errors if issue.field not in refused]


def validate_person(
    raw: Mapping[str, Any], *, refs: ReferenceCache, today: date | None = None
) -> tuple[PersonInput | None, list[FieldIssue], list[FieldIssue]]:
    """Check and normalise one file's fields: (values or None when errors, errors, warnings)."""
    today = today or timezone.localdate()
    _date_memo_check()
    issues = _Issues()
    data = PersonInput()
    raw, text_errors = _screen_texts(raw)

    data.name = normalize_name(_text(raw, "name"))
    if not data.name:
        issues.error("name", _MSG_REQUIRED, "required")
    elif len(data.name) > _MAX_LENGTHS["name"]:
        issues.error("name", _MSG_TOO_LONG, "too_long", limit=_MAX_LENGTHS["name"])
    elif any(char.isdigit() for char in data.name):
        issues.error("name", _MSG_NAME_CHARS, "characters")

    ethnicity = _text(raw, "ethnicity")
    if not ethnicity:
        issues.error("ethnicity", _MSG_REQUIRED, "required")
    else:
        code = refs.ethnicity_code(ethnicity)
        if code is None:
            issues.error("ethnicity", _MSG_ETHNICITY, "unknown", value=ethnicity[:20])
        else:
            data.ethnicity_code = code

    _identity(raw, data, issues, today)

    phone = raw.get("phone")
    if phone not in (None, ""):
        try:
            data.phone = normalize_phone(phone)
        except PhoneError as exc:
            issues.error("phone", _MSG_AS_IS, exc.code, message=exc.message)

    _origin(raw, data, issues, refs)
    data.address = _text(raw, "address")
    _occupation(raw, data)
    data.employer = _text(raw, "employer")[: _MAX_LENGTHS["employer"]]
    credit = raw.get("credit_code")
    if credit not in (None, ""):
        try:
            data.credit_code = parse_credit_code(credit)
        except CreditCodeError as exc:
            issues.error("credit_code", _MSG_AS_IS, exc.code, message=exc.message)

    data.arrived_on = _date(raw, "arrival_date", issues, today)
    if data.arrived_on and data.birth_date and data.arrived_on < data.birth_date:
        issues.error("arrival_date", _MSG_BEFORE_BIRTH, "before_birth")
    _permit(raw, data, issues, today)
    notes = raw.get("notes")
    data.notes = str(notes).strip() if notes not in (None, "") else ""

    errors = _merged(text_errors, issues.errors)
    if errors:
        return None, errors, issues.warnings
    return data, errors, issues.warnings


def _identity(raw: Mapping[str, Any], data: PersonInput, issues: _Issues, today: date) -> None:
    """ID number, and sex and birth date (taken from the ID number when there is one)."""
    sex_text = _text(raw, "sex")
    entered_sex = _SEX_WORDS.get(sex_text.upper(), "") if sex_text else ""
    if sex_text and not entered_sex:
        issues.error("sex", _MSG_SEX, "invalid")
    entered_birth = _date(raw, "birth_date", issues, today)

    id_raw = raw.get("id_number")
    if id_raw in (None, ""):
        data.sex, data.birth_date = entered_sex, entered_birth
        return
    try:
        parsed = parse_id_number(id_raw, today=today)
    except IdNumberError as exc:
        issues.error("id_number", _MSG_AS_IS, exc.code, message=exc.message)
        data.sex, data.birth_date = entered_sex, entered_birth
        return
    for problem in parsed.warnings:
        issues.warn("id_number", _MSG_AS_IS, problem.code, message=problem.message)
    data.id_number = parsed.number
    data.sex, data.birth_date = parsed.sex, parsed.birth_date
    if entered_sex and entered_sex != parsed.sex:
        derived = Person.Sex(parsed.sex).label
        issues.error("sex", _MSG_SEX_CONFLICT, "conflicts_with_id_number", derived=derived)
    if entered_birth and entered_birth != parsed.birth_date:
        issues.error(
            "birth_date",
            _MSG_BIRTH_CONFLICT,
            "conflicts_with_id_number",
            derived=parsed.birth_date.isoformat(),
        )


def _origin(
    raw: Mapping[str, Any], data: PersonInput, issues: _Issues, refs: ReferenceCache
) -> None:
    chosen = _text(raw, "origin_region")
    text = _text(raw, "origin")
    if chosen:
        if chosen in refs.regions:
            data.origin_region_code = chosen
        else:
            issues.error("origin", _MSG_ORIGIN_CODE, "unknown_code", value=chosen[:12])
    if not text:
        return
    if text.isdigit() and len(text) == 6 and not chosen:
        if text in refs.regions:
            data.origin_region_code = text
            return
        issues.error("origin", _MSG_ORIGIN_CODE, "unknown_code", value=text)
        return
    data.origin_text = text[: _MAX_LENGTHS["origin_text"]]
    if not chosen:
        data.origin_region_code = refs.match_region(text)
        if not data.origin_region_code:
            issues.warn("origin", _MSG_ORIGIN_UNKNOWN, "unknown_place", value=text[:40])


def _occupation(raw: Mapping[str, Any], data: PersonInput) -> None:
    text = _text(raw, "occupation")
    details = _text(raw, "occupation_text")
    if text in _OCCUPATION_CODES:
        data.occupation = text
    elif text:
        label = _OCCUPATION_LABELS.get(text)
        if label is not None:
            data.occupation = label
        else:
            data.occupation = next(
                (category for word, category in _OCCUPATION_WORDS if word in text),
                Occupation.OTHER.value,
            )
            # The category is a summary: keep what was written.
            details = details or text
    data.occupation_text = details[: _MAX_LENGTHS["occupation_text"]]


def _permit(raw: Mapping[str, Any], data: PersonInput, issues: _Issues, today: date) -> None:
    kind = _text(raw, "permit_kind")
    if kind:
        data.permit_kind = _PERMIT_KIND_WORDS.get(kind, "")
        if not data.permit_kind:
            issues.error("permit_kind", _MSG_PERMIT_KIND, "invalid")
    number = raw.get("permit_number")
    if number not in (None, ""):
        data.permit_number = normalize_digits(normalize_text(str(number)))
        if not data.permit_kind:
            data.permit_kind = Person.PermitKind.RESIDENCE.value
    data.permit_issued_on = _date(raw, "permit_issued", issues, today)
    # An expiry date lies in the future: parsed without the "not in the future" rule.
    expires = raw.get("permit_expires")
    if type(expires) is date:
        data.permit_expires_on = expires
    elif expires not in (None, ""):
        try:
            data.permit_expires_on = _parse_date(expires)
        except DateParseError as exc:
            issues.error("permit_expires", _MSG_FIELD_PROBLEM, exc.code, message=exc.message)
    if (
        data.permit_expires_on
        and data.permit_issued_on
        and data.permit_expires_on < data.permit_issued_on
    ):
        issues.error("permit_expires", _MSG_PERMIT_ORDER, "before_issue")
