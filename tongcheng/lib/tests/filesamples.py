"""Small files of every type the attachments take, and of some they refuse, built here."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    raw = b"".join(b"\x00" + b"\xc8\x1e\x1e" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_MAGIC
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def jpeg(size: int = 200) -> bytes:
    body = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + body + b"\x00" * max(0, size - len(body) - 4) + b"\xff\xd9"


def webp() -> bytes:
    payload = b"VP8 " + struct.pack("<I", 10) + b"\x00" * 10
    return b"RIFF" + struct.pack("<I", len(payload) + 4) + b"WEBP" + payload


def heic(major: bytes = b"heic", compatible: tuple[bytes, ...] = (b"mif1", b"heic")) -> bytes:
    box = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", len(box) + 8) + b"ftyp" + box + b"\x00" * 64


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def office(members: dict[str, bytes], *, encrypt_flag: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            archive.writestr(info, data)
    content = buffer.getvalue()
    if encrypt_flag:
        # Set the "encrypted" bit of every entry, in the local headers and the directory.
        content = content.replace(b"PK\x03\x04\x14\x00\x00\x00", b"PK\x03\x04\x14\x00\x01\x00")
        content = content.replace(
            b"PK\x01\x02\x14\x03\x14\x00\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x01\x00"
        )
    return content


TYPES_XML = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx() -> bytes:
    return office({"[Content_Types].xml": TYPES_XML, "word/document.xml": b"<w:document/>"})


def xlsx() -> bytes:
    return office({"[Content_Types].xml": TYPES_XML, "xl/workbook.xml": b"<workbook/>"})


def needing_newer_zip(content: bytes) -> bytes:
    """The archive with its directory saying it needs zip version 9.9 to extract: Python's
    zipfile refuses to open it with NotImplementedError, not BadZipFile."""
    data = bytearray(content)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        data[at + 6] = 99  # version needed to extract, low byte: 9.9
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def docm() -> bytes:
    return office(
        {
            "[Content_Types].xml": TYPES_XML,
            "word/document.xml": b"<w:document/>",
            "word/vbaProject.bin": b"\x00macro",
        }
    )


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run in DOS mode."
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
ZIP = office({"readme.txt": b"hello"})
