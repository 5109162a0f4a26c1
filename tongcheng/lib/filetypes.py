"""What an uploaded file is, from its bytes, and a file name that is safe to keep and send back.

`detect` reads the file's magic numbers, never its name or the browser's content type (both
are the sender's to choose): PDF (`%PDF-` and an end-of-file marker near the end), JPEG, PNG
(signature and its first chunk), WEBP (a RIFF container of VP8 data) and HEIC (an ISO base
media file whose brands name HEVC images; a plain `mif1` HEIF could be AVIF and is not taken).
Word and Excel documents are zip archives: a `.docx` must hold `word/document.xml`, an `.xlsx`
`xl/workbook.xml`, each beside `[Content_Types].xml`; only the zip's directory is read, nothing
is decompressed. A macro project (`vbaProject.bin`), an encrypted zip entry and an old Office
file (an OLE2 compound file: `.doc`, `.xls`, or any password-protected Office file) are
refused with their own codes; so is everything else (HTML, SVG, programs, archives).

`safe_file_name` keeps a sender's file name as a label only: no folder part, no control or
format character (a right-to-left override could make `gpj.exe` read `exe.jpg`), none of the
characters Windows refuses, no leading dot, not a reserved device name, at most `limit`
characters, and always one of the detected type's extensions.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The brands of an ISO base media file that say HEVC-coded images (HEIC).
HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
# A PDF ends with this marker; some writers add a little after it.
PDF_TAIL = 4096


@dataclass(frozen=True)
class FileType:
    code: str
    content_type: str
    extensions: tuple[str, ...]
    # A photo (else a document).
    photo: bool
    # A raster image every browser decodes itself: shown in the page, not only downloaded.
    inline: bool


PDF = FileType("pdf", "application/pdf", ("pdf",), photo=False, inline=False)
JPEG = FileType("jpeg", "image/jpeg", ("jpg", "jpeg"), photo=True, inline=True)
PNG = FileType("png", "image/png", ("png",), photo=True, inline=True)
WEBP = FileType("webp", "image/webp", ("webp",), photo=True, inline=True)
HEIC = FileType("heic", "image/heic", ("heic", "heif"), photo=True, inline=False)
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
    photo=False,
    inline=False,
)
XLSX = FileType(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("xlsx",),
    photo=False,
    inline=False,
)
TYPES = (PDF, JPEG, PNG, WEBP, HEIC, DOCX, XLSX)
BY_CONTENT_TYPE = {kind.content_type: kind for kind in TYPES}
# What a file chooser offers (the server decides from the bytes anyway).
ACCEPT = ",".join(
    [f".{extension}" for kind in TYPES for extension in kind.extensions]
    + [kind.content_type for kind in TYPES]
)


class FileTypeRefused(ValueError):
    """Not a type we take; `code` says why: unknown, old_office, macros, encrypted."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def detect(content: bytes) -> FileType:
    """The file's type from its bytes (FileTypeRefused for any other)."""
    if content.startswith(b"%PDF-") and b"%%EOF" in content[-PDF_TAIL:]:
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(PNG_MAGIC) and content[12:16] == b"IHDR":
        return PNG
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP" and content[12:15] == b"VP8":
        return WEBP
    if _is_heic(content):
        return HEIC
    if content.startswith(OLE_MAGIC):
        raise FileTypeRefused("old_office")
    if content.startswith(ZIP_MAGIC):
        return _office(content)
    raise FileTypeRefused("unknown")


def _is_heic(content: bytes) -> bool:
    if content[4:8] != b"ftyp":
        return False
    size = int.from_bytes(content[:4], "big")
    if size < 16 or size > min(len(content), 4096) or size % 4:
        return False
    brands = {content[8:12]} | {content[i : i + 4] for i in range(16, size, 4)}
    return bool(brands & HEIC_BRANDS)


def _office(content: bytes) -> FileType:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    # NotImplementedError: a directory asking for a zip version Python does not read.
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as exc:
        raise FileTypeRefused("unknown") from exc
    names = {info.filename for info in infos}
    if any(info.flag_bits & 0x1 for info in infos):
        raise FileTypeRefused("encrypted")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileTypeRefused("macros")
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    raise FileTypeRefused("unknown")


# Characters Windows refuses in a file name (the folder separators are cut off before).
_FORBIDDEN = re.compile(r'[<>:"|?*]')
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{n}" for n in range(1, 10)}
    | {f"LPT{n}" for n in range(1, 10)}
)


def clean_name(raw: str, *, limit: int = 100) -> str:
    """The sender's name as a label: its last path part, without control or format characters
    (bidirectional overrides, zero-width), Windows' refused characters or leading dots, at most
    `limit` characters ("" when nothing is left)."""
    name = unicodedata.normalize("NFC", raw)
    name = re.split(r"[/\\]", name)[-1]
    # Control, format, surrogate, private use and unassigned characters: category C*.
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return " ".join(_FORBIDDEN.sub("_", name).split()).strip(" .")[:limit].rstrip(" .")


def safe_file_name(
    raw: str, kind: FileType, *, limit: int = 100, fallback: str = "attachment"
) -> str:
    """`clean_name`, not a reserved device name, ending in one of `kind`'s extensions."""
    name = clean_name(raw, limit=10 * limit)
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() not in kind.extensions:
        stem, extension = name, kind.extensions[0]
    extension = extension.lower()
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = f"_{stem}"
    stem = stem[: max(1, limit - len(extension) - 1)].rstrip(" .") or fallback
    return f"{stem}.{extension}"
