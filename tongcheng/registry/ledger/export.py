"""Export of the ledger as .xlsx (the usual layout: title, unit, date, headers) or CSV.

Rows are read with `values_list(...).iterator(chunk_size=…)` and written as they come, so
100k rows export without memory growth: the .xlsx through XlsxWriter in constant-memory mode
into a temporary file, the CSV as a stream. Identifiers are masked, and birth dates cut to year
and month, unless the caller asked for an identified export (the view checks the role and the
reason). Every text cell that a spreadsheet could read as a formula (it starts with = + - @ | %
or a control character) is written with a leading apostrophe (OWASP "CSV injection").

The column headers are the Chinese names of the ledger form, not translated: they are a file
format that `tongcheng.lib.headers` reads back on import.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

import xlsxwriter
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tongcheng.lib.masking import birth_month
from tongcheng.org.models import Region
from tongcheng.registry.identifiers import decryptor, masker
from tongcheng.registry.models import Occupation, Person

CHUNK_SIZE = 2000

HEADERS = (
    "序号",
    "姓名",
    "民族",
    "性别",
    "出生日期",
    "身份证号",
    "联系电话",
    "户籍地",
    "所属社区",
    "现住址",
    "从事职业",
    "工作单位",
    "来长时间",
    "居住证有效期至",
    "状态",
)
# Column widths in characters, for a readable sheet without autofit (constant memory).
WIDTHS = (6, 10, 8, 5, 11, 20, 14, 24, 18, 30, 14, 20, 11, 13, 8)
# What the rows need, in this order (one query; joins for the names).
VALUES = (
    "name",
    "ethnicity__name",
    "sex",
    "birth_date",
    "id_number_enc",
    "phone_enc",
    "origin_region_id",
    "origin_text",
    "community__name",
    "address_enc",
    "occupation",
    "employer",
    "arrived_on",
    "permit_expires_on",
    "status",
)

_FORMULA_START = frozenset("=+-@|%")


def neutralise(value: str) -> str:
    """A text cell that cannot be taken for a formula when the file is opened (OWASP)."""
    if value and (value[0] in _FORMULA_START or value[0] < " "):
        return "'" + value
    return value


@dataclass(frozen=True)
class Layout:
    title: str
    unit: str
    exported_on: date


def _region_labels() -> dict[str, str]:
    """Region code → "甘肃省临夏回族自治州广河县" (one query, ~3,500 rows)."""
    regions = {
        code: (name, parent)
        for code, name, parent in Region.objects.values_list("code", "name", "parent_id")
    }
    placeholders = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
    labels: dict[str, str] = {}
    for code in regions:
        parts: list[str] = []
        current: str | None = code
        while current and current in regions:
            name, parent = regions[current]
            if name not in placeholders:
                parts.append(name)
            current = parent
        labels[code] = "".join(reversed(parts))
    return labels


def ledger_rows(queryset: QuerySet[Person], *, identified: bool) -> Iterator[list[str]]:
    """The export's rows as text cells (already neutralised), streamed from the database."""
    regions = _region_labels()
    sexes = {"male": "男", "female": "女"}
    occupations = dict(Occupation.choices)
    statuses = dict(Person.Status.choices)
    id_number, phone, address = (decryptor(f) for f in ("id_number", "phone", "address"))
    show_id = (lambda v: v) if identified else masker("id_number")
    show_phone = (lambda v: v) if identified else masker("phone")
    # A masked export says year and month of a birth date: the day would complete the ID mask.
    show_born = date.isoformat if identified else birth_month
    rows = queryset.order_by("area_code", "name_pinyin", "id").values_list(*VALUES)
    for number, row in enumerate(rows.iterator(chunk_size=CHUNK_SIZE), start=1):
        (
            name,
            ethnicity,
            sex,
            born,
            id_enc,
            phone_enc,
            region,
            origin_text,
            community,
            address_enc,
            occupation,
            employer,
            arrived,
            expires,
            status,
        ) = row
        origin = regions.get(region, "") if region else ""
        if origin_text and origin_text != origin:
            origin = f"{origin} {origin_text}".strip()
        yield [
            str(number),
            neutralise(name),
            ethnicity,
            sexes.get(sex, ""),
            show_born(born) if born else "",
            show_id(id_number(id_enc)) if id_enc else "",
            show_phone(phone(phone_enc)) if phone_enc else "",
            neutralise(origin),
            neutralise(community),
            neutralise(address(address_enc)) if address_enc else "",
            str(occupations.get(occupation, "")) if occupation else "",
            neutralise(employer),
            arrived.isoformat() if arrived else "",
            expires.isoformat() if expires else "",
            str(statuses.get(status, status)),
        ]


def layout_for(area_name: str, today: date) -> Layout:
    return Layout(
        title=_("%(area)s migrant ethnic-minority residents ledger") % {"area": area_name},
        unit=_("Unit: %(area)s") % {"area": area_name},
        exported_on=today,
    )


def write_xlsx(rows: Iterable[list[str]], target: IO[bytes] | str, *, layout: Layout) -> int:
    """Write the ledger workbook; return the number of data rows. Constant memory."""
    book = xlsxwriter.Workbook(
        target, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    sheet = book.add_worksheet("台账")
    title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    header = book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7"})
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, layout.title, title)
    sheet.write_string(1, 0, layout.unit)
    sheet.write_string(
        1, len(HEADERS) - 3, _("Date: %(date)s") % {"date": layout.exported_on.isoformat()}
    )
    for column, text in enumerate(HEADERS):
        sheet.write_string(2, column, text, header)
    sheet.freeze_panes(3, 2)
    write = sheet.write_string
    count = 0
    for index, row in enumerate(rows, start=3):
        for column, value in enumerate(row):
            if value:
                write(index, column, value)
        count += 1
    book.close()
    return count


def xlsx_file(rows: Iterable[list[str]], *, layout: Layout) -> tuple[IO[bytes], int]:
    """The workbook in an anonymous temporary file (rewound) and its row count."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        count = write_xlsx(rows, handle, layout=layout)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, count


class _Line:
    """A file-like that hands back what csv.writer wrote, line by line."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()

    def write(self, text: str) -> int:
        return self.buffer.write(text)

    def take(self) -> bytes:
        value = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return value.encode("utf-8")


def csv_chunks(rows: Iterable[list[str]], *, batch: int = 500) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so Excel opens the Chinese correctly), header line first."""
    line = _Line()
    writer = csv.writer(line)
    writer.writerow(HEADERS)
    yield "\ufeff".encode() + line.take()
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending == batch:
            yield line.take()
            pending = 0
    if pending:
        yield line.take()


def export_detail(
    *, fmt: str, identified: bool, rows: int, filters: dict[str, Any]
) -> dict[str, Any]:
    """What the audit event records: counts and filter names, never values of people."""
    return {
        "format": fmt,
        "identified": identified,
        "rows": rows,
        "filters": sorted(key for key, value in filters.items() if value),
    }
