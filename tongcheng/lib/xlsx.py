"""Opening uploaded .xlsx workbooks safely, and reading their rows.

An .xlsx file is a zip archive of XML parts. Before anything is decompressed the zip's central
directory is checked — file size ≤ 50 MB, declared uncompressed size ≤ 500 MB, compression ratio
≤ 100:1 — so a zip bomb is refused in milliseconds, without memory growth. The directory can lie,
so the parts are then streamed through a bounded decompressor (1 MB at a time, CRC checked) that
stops at the same limit. Macros (vbaProject.bin), external links (xl/externalLinks/, or external
relationship targets of the workbook or of any other part: an oleObject of a worksheet linking
to a file elsewhere, for instance; only hyperlinks may point outside) and encryption (an
encrypted workbook is an OLE compound file, not a zip) are refused. The few XML parts we read
ourselves ([Content_Types].xml, the relationships) are parsed with defusedxml.

While the parts are decompressed, the rows of each worksheet are counted from the raw XML (a
byte search for `<row`, nothing parsed): `check_xlsx` returns these `Facts`, so that a web
request can refuse a ledger over the row cap, and decide whether it is small enough to check at
once, without reading the workbook itself. Long because the checks and the reading of one file
format belong together: the reader relies on what the checks refused.

Rows are read with python-calamine (Rust; ~8× faster than openpyxl, docs/performance.md). Its
XML reader does not expand DTD entities. Formulas are never evaluated: calamine returns the value
Excel cached when the file was saved, and a text cell whose value starts with "=" stays text.
Calamine reports a merged range's value in its first cell only; `fill_merged_down` copies it down
where the importer decides that makes sense (a merged community column, for instance).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import zipfile
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import python_calamine
from defusedxml import ElementTree as SafeET
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
CHUNK = MB
# Texts up to this length are shared between equal cells, up to this many distinct texts.
SHARED_TEXT = 32
SHARED_LIMIT = 200_000

# Magic numbers: a zip local file header, and an OLE2 compound file (old .xls, or any
# password-protected Office file: encryption wraps the zip in an OLE container).
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_MACRO_TYPES = ("macroEnabled", "vbaProject", "vnd.ms-office.activeX")
_EXTERNAL_LINK_TYPE = "externalLink"
# The one kind of relationship that may point outside the workbook: a cell's hyperlink, which
# nothing here follows (an oleObject, image or template linked from elsewhere may not).
_HYPERLINK_TYPE = "/hyperlink"
# A row element in a worksheet part (some writers use a namespace prefix: <x:row …>).
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta
Source = str | Path | bytes | IO[bytes]


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * MB
    max_uncompressed: int = 500 * MB
    max_ratio: int = 100
    # Tiny parts compress extremely well (a run of spaces): the ratio is judged on the total,
    # and on single parts only above this size.
    ratio_floor: int = MB


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Facts:
    """What the check learnt of a workbook without reading it: the rows each worksheet part
    holds (counted in its XML, so empty formatted rows count too) and the bytes of all parts."""

    rows: dict[str, int] = field(default_factory=dict)  # worksheet part name → rows
    uncompressed: int = 0

    @property
    def largest_sheet_rows(self) -> int:
        return max(self.rows.values(), default=0)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


class XlsxRefused(Exception):
    """The file is not accepted; `code` is stable, `message` is for people (translatable)."""

    def __init__(self, code: str, message: str | Promise, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.template = message
        self.params = params

    @property
    def message(self) -> str:
        text = str(self.template)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.message


def _open_bytes(source: Source) -> tuple[IO[bytes], int]:
    """A seekable binary stream over the source and its size."""
    if isinstance(source, str | Path):
        stream: IO[bytes] = open(source, "rb")  # noqa: SIM115 - the caller's `with` closes it
    elif isinstance(source, bytes | bytearray):
        stream = io.BytesIO(source)
    else:
        stream = source
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return stream, size


def check_name(file_name: str) -> None:
    if not file_name.lower().endswith(".xlsx"):
        raise XlsxRefused(
            "extension",
            _("Only Excel workbooks saved as .xlsx can be imported (not .xls, .xlsm or .csv)."),
        )


def check_xlsx(
    source: Source, *, file_name: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Facts:
    """Raise XlsxRefused unless the file is a plain, bounded .xlsx workbook; else its Facts.

    Order matters for speed: size and magic first, then the zip directory (no decompression),
    then the content checks, and only then the bounded decompression of every part.
    """
    if file_name is not None:
        check_name(file_name)
    stream, size = _open_bytes(source)
    try:
        return _check(stream, size, limits)
    finally:
        if isinstance(source, str | Path):
            stream.close()
        else:
            stream.seek(0)


def _check(stream: IO[bytes], size: int, limits: Limits) -> Facts:
    if size > limits.max_bytes:
        raise XlsxRefused(
            "too_large",
            _("The file is larger than %(limit)d MB."),
            limit=limits.max_bytes // MB,
        )
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(OLE_MAGIC):
        raise XlsxRefused(
            "encrypted",
            _(
                "The workbook is password-protected (encrypted) or in the old .xls format: "
                "remove the password and save it as .xlsx."
            ),
        )
    if not head.startswith(ZIP_MAGIC):
        raise XlsxRefused("not_xlsx", _("The file is not an Excel .xlsx workbook."))
    try:
        archive = zipfile.ZipFile(stream)
    # NotImplementedError: a directory asking for a zip version Python does not read.
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise XlsxRefused("not_xlsx", _("The file is not an Excel .xlsx workbook.")) from None
    with archive:
        infos = archive.infolist()
        _check_directory(infos, size, limits)
        names = {info.filename for info in infos}
        _check_content(archive, names)
        return _check_decompressed(archive, infos, limits)


def _bomb() -> XlsxRefused:
    return XlsxRefused(
        "zip_bomb",
        _("The workbook expands to far more data than an Excel ledger holds; it was refused."),
    )


def _check_directory(infos: list[zipfile.ZipInfo], size: int, limits: Limits) -> None:
    """Declared sizes only: nothing is decompressed yet."""
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise XlsxRefused(
                "encrypted", _("The workbook is password-protected: remove the password.")
            )
        total += info.file_size
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise _bomb()
    if total > limits.max_uncompressed:
        raise _bomb()
    if total > limits.ratio_floor and total > limits.max_ratio * max(size, 1):
        raise _bomb()


def _check_content(archive: zipfile.ZipFile, names: set[str]) -> None:
    lowered = {name.lower() for name in names}
    if any(name.endswith("vbaproject.bin") for name in lowered):
        raise XlsxRefused(
            "macros", _("The workbook contains macros; save it as a plain .xlsx workbook.")
        )
    if any(name.startswith("xl/externallinks/") for name in lowered):
        raise _external()
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise XlsxRefused("not_xlsx", _("The file is not an Excel .xlsx workbook."))
    types = _read_small_xml(archive, "[Content_Types].xml")
    for element in types.iter():
        content_type = element.get("ContentType", "")
        if any(marker in content_type for marker in _MACRO_TYPES):
            raise XlsxRefused(
                "macros", _("The workbook contains macros; save it as a plain .xlsx workbook.")
            )
        if _EXTERNAL_LINK_TYPE in content_type:
            raise _external()
    if "xl/_rels/workbook.xml.rels" in names:
        rels = _read_small_xml(archive, "xl/_rels/workbook.xml.rels")
        for element in rels.iter():
            if element.get("TargetMode") == "External" or _EXTERNAL_LINK_TYPE in element.get(
                "Type", ""
            ):
                raise _external()
    # The other parts' relationships (worksheets, drawings, …): an external target is refused
    # as at the workbook's level, but for hyperlinks.
    for name in sorted(names):
        if name == "xl/_rels/workbook.xml.rels" or not name.lower().endswith(".rels"):
            continue
        if not name.lower().startswith("xl/"):
            continue
        for element in _read_small_xml(archive, name).iter():
            kind = element.get("Type", "")
            if _EXTERNAL_LINK_TYPE in kind:
                raise _external()
            if element.get("TargetMode") == "External" and not kind.endswith(_HYPERLINK_TYPE):
                raise _external()


def _external() -> XlsxRefused:
    return XlsxRefused(
        "external_links",
        _(
            "The workbook links to other files (external links); copy the values in and save "
            "it again."
        ),
    )


def _read_small_xml(archive: zipfile.ZipFile, name: str) -> Any:
    info = archive.getinfo(name)
    if info.file_size > MB:
        raise _bomb()
    with archive.open(info) as part:
        data = part.read(MB + 1)
    if len(data) > MB:
        raise _bomb()
    try:
        # defusedxml refuses DTDs with entities, external entities and other XML attacks.
        return SafeET.fromstring(data)
    except Exception:
        raise XlsxRefused("not_xlsx", _("The file is not an Excel .xlsx workbook.")) from None


def _check_decompressed(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits
) -> Facts:
    """Decompress every part in 1 MB chunks, counting: a lying directory is caught here.

    zipfile stops each part at its declared size and checks the CRC, so a part that claims
    to be small but expands further fails as a bad CRC. The rows of worksheet parts are
    counted on the way (a tag split between two chunks is found in the carried-over tail).
    """
    total = 0
    rows: dict[str, int] = {}
    for info in infos:
        worksheet = bool(_WORKSHEET_PART.fullmatch(info.filename))
        count, tail = 0, b""
        try:
            with archive.open(info) as part:
                while chunk := part.read(CHUNK):
                    total += len(chunk)
                    if total > limits.max_uncompressed:
                        raise _bomb()
                    if worksheet:
                        # A tag ending inside the tail was counted with the previous chunk.
                        buffer = tail + chunk
                        count += sum(1 for m in _ROW_TAG.finditer(buffer) if m.end() > len(tail))
                        tail = chunk[-64:]
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            raise _damaged() from None
        if worksheet:
            rows[info.filename] = count
    return Facts(rows=rows, uncompressed=total)


@dataclass
class Sheet:
    """The rows of one worksheet; row i (0-based) is Excel row i + 1, column j is Excel column
    `first_column + j`."""

    name: str
    rows: list[list[Cell]]
    first_column: int = 0
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    def column_letter(self, index: int) -> str:
        return column_letter(self.first_column + index)

    def nonblank_rows(self, start: int = 0) -> Iterator[tuple[int, list[Cell]]]:
        """(Excel row number, cells) of the rows from `start` that hold at least one value."""
        for index in range(start, len(self.rows)):
            row = self.rows[index]
            if any(not _blank(value) for value in row):
                yield index + 1, row

    def fill_merged_down(self, from_row: int, columns: set[int] | None = None) -> None:
        """Copy a vertically merged range's value into every row it covers (from `from_row`).

        Calamine puts the value in the range's first cell only; a ledger that merges the
        community cell over all its people means that value for each of them.
        """
        for (r0, c0), (r1, _c1) in self.merged:
            if r1 <= r0 or r0 < from_row:
                continue
            column = c0 - self.first_column
            if column < 0 or (columns is not None and column not in columns):
                continue
            if r0 >= len(self.rows) or column >= len(self.rows[r0]):
                continue
            value = self.rows[r0][column]
            for r in range(r0 + 1, min(r1, len(self.rows) - 1) + 1):
                row = self.rows[r]
                if column < len(row) and _blank(row[column]):
                    row[column] = value


def _damaged() -> XlsxRefused:
    return XlsxRefused("not_xlsx", _("The file is damaged or not an .xlsx workbook."))


def _blank(value: Cell) -> bool:
    return value == "" or value is None or (isinstance(value, str) and not value.strip())


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _shared_rows(rows: Iterable[list[Cell]]) -> list[list[Cell]]:
    """The rows, with equal short texts as one object: a ledger repeats its community,
    ethnic groups, sexes, occupations and dates on thousands of rows, and 1.3 million cells
    of separate strings were a third of a 100,000-row import's memory. Row by row, so the
    duplicates are freed as they are read."""
    shared: dict[str, str] = {}
    out: list[list[Cell]] = []
    for row in rows:
        for index, cell in enumerate(row):
            if type(cell) is str and len(cell) <= SHARED_TEXT:
                known = shared.get(cell)
                if known is not None:
                    row[index] = known
                elif len(shared) < SHARED_LIMIT:
                    shared[cell] = cell
        out.append(row)
    return out


@contextlib.contextmanager
def _workbook(source: Source) -> Iterator[tuple[Any, list[str]]]:
    """The open workbook and the names of its visible worksheets; closed after the block."""
    stream, _size = _open_bytes(source)
    try:
        try:
            workbook = python_calamine.CalamineWorkbook.from_filelike(stream)
        except Exception:
            raise _damaged() from None
        try:
            names = _visible(workbook)
            if not names:
                raise XlsxRefused("no_sheet", _("The workbook has no worksheet."))
            yield workbook, names
        finally:
            workbook.close()
    finally:
        if isinstance(source, str | Path):
            stream.close()


def _read(workbook: Any, name: str) -> Sheet:
    try:
        return _sheet(workbook, name)
    except XlsxRefused:
        raise
    except Exception:
        raise _damaged() from None


def read_sheet(source: Source, *, sheet: int | str = 0) -> Sheet:
    """The rows of the first visible worksheet (or the one named, or the n-th visible one).
    Call check_xlsx first."""
    with _workbook(source) as (workbook, visible):
        if isinstance(sheet, int):
            sheet = visible[min(sheet, len(visible) - 1)]
        return _read(workbook, sheet)


def read_sheets(source: Source) -> Generator[Sheet]:
    """Every visible worksheet, in the workbook's order, read one at a time (a sheet the caller
    drops is freed before the next is read). Call check_xlsx first."""
    with _workbook(source) as (workbook, names):
        for name in names:
            yield _read(workbook, name)


def _visible(workbook: Any) -> list[str]:
    return [
        meta.name
        for meta in workbook.sheets_metadata
        if meta.visible == python_calamine.SheetVisibleEnum.Visible
        and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]


def _sheet(workbook: Any, name: str) -> Sheet:
    found = workbook.get_sheet_by_name(name)
    rows = _shared_rows(found.iter_rows())
    start = found.start
    merged = list(found.merged_cell_ranges or [])
    return Sheet(name=found.name, rows=rows, first_column=start[1] if start else 0, merged=merged)


def open_xlsx(
    source: Source, *, file_name: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Sheet:
    """check_xlsx then read_sheet: the one call an importer needs."""
    check_xlsx(source, file_name=file_name, limits=limits)
    return read_sheet(source)
