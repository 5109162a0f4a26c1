"""lib.filetypes: a file's type from its bytes, and a file name safe to keep and send back."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongcheng.lib import filetypes
from tongcheng.lib.filetypes import FileTypeRefused, clean_name, detect, safe_file_name
from tongcheng.lib.tests import filesamples as samples


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (samples.pdf(), filetypes.PDF),
        (samples.jpeg(), filetypes.JPEG),
        (samples.png(), filetypes.PNG),
        (samples.webp(), filetypes.WEBP),
        (samples.heic(), filetypes.HEIC),
        (samples.heic(major=b"mif1", compatible=(b"heic",)), filetypes.HEIC),
        (samples.docx(), filetypes.DOCX),
        (samples.xlsx(), filetypes.XLSX),
    ],
)
def test_it_tells_each_type_from_its_bytes(content: bytes, kind: filetypes.FileType) -> None:
    assert detect(content) is kind


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (samples.EXE, "unknown"),
        (samples.HTML, "unknown"),
        (samples.SVG, "unknown"),
        (samples.ZIP, "unknown"),
        (b"%PDF-1.4 cut short", "unknown"),  # no end-of-file marker: a broken upload
        (samples.png()[:8], "unknown"),  # the signature alone
        (samples.heic(major=b"avif", compatible=(b"mif1", b"avif")), "unknown"),
        (samples.OLE, "old_office"),
        (samples.docm(), "macros"),
        (
            samples.office(
                {"[Content_Types].xml": b"", "word/document.xml": b""}, encrypt_flag=True
            ),
            "encrypted",
        ),
        (b"PK\x03\x04 not really a zip", "unknown"),
        (samples.needing_newer_zip(samples.docx()), "unknown"),
        (b"", "unknown"),
    ],
)
def test_it_refuses_every_other_file_with_its_reason(content: bytes, code: str) -> None:
    with pytest.raises(FileTypeRefused) as refused:
        detect(content)
    assert refused.value.code == code


def test_it_never_decides_by_the_name() -> None:
    # An .exe renamed .pdf is still refused; a PNG named .pdf gets a .png name.
    with pytest.raises(FileTypeRefused):
        detect(samples.EXE)
    assert safe_file_name("scan.pdf", detect(samples.png())) == "scan.pdf.png"
    assert safe_file_name("照片.JPG", filetypes.JPEG) == "照片.jpg"
    assert safe_file_name("照片.jpeg", filetypes.JPEG) == "照片.jpeg"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\马\\Desktop\\申请表.pdf", "申请表.pdf"),
        ("/home/ma/.hidden.pdf", "hidden.pdf"),
        ("a\x00b.pdf", "ab.pdf"),
        ("invoice\u202egpj.exe", "invoicegpj.exe.pdf"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ('what?<>|*:".pdf', "what_______.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("  spaced   out  .pdf", "spaced out.pdf"),
        ("", "attachment.pdf"),
        ("...", "attachment.pdf"),
        ("/", "attachment.pdf"),
    ],
)
def test_it_keeps_a_file_name_as_a_label_only(raw: str, cleaned: str) -> None:
    assert safe_file_name(raw, filetypes.PDF) == cleaned


def test_it_shortens_a_long_name_and_keeps_its_extension() -> None:
    name = safe_file_name("材" * 300 + ".docx", filetypes.DOCX, limit=100)
    assert len(name) == 100 and name.endswith("材.docx")
    assert len(clean_name("x" * 500, limit=100)) == 100


@given(st.text(max_size=400))
def test_it_makes_every_name_safe(raw: str) -> None:
    name = safe_file_name(raw, filetypes.JPEG, limit=100)
    assert 5 <= len(name) <= 100
    assert name.rsplit(".", 1)[1] in ("jpg", "jpeg")
    assert not name.startswith((".", " "))
    assert not set(name) & set('/\\<>:"|?*')
    assert all(unicodedata.category(ch)[0] != "C" for ch in name)
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
