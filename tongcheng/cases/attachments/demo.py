"""Demo attachments (`manage.py seed_cases`, development only): a few files on open demo cases.

Made through the real check and action by the account that may attach them (the centre of the
case's community), so they are encrypted and audited like any other: a photo (a PNG drawn here,
no imaging library needed) and a short PDF (fpdf2) on each of the first open cases of 和平社区.
Idempotent: once the demo has an attachment, nothing is made again.
"""

from __future__ import annotations

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from fpdf import FPDF

from tongcheng.cases.attachmentmodels import CaseAttachment
from tongcheng.cases.attachments.actions import attachments_add
from tongcheng.cases.attachments.rules import check_upload
from tongcheng.cases.models import OPEN_STATES, Case
from tongcheng.org.models import User

HEPING = "140403001001"
CENTRE = "heping.community"
CASES = 3


def png_bytes(width: int = 240, height: int = 160, *, seed: int = 0) -> bytes:
    """A small PNG: a sheet of paper with lines of "text" on a grey table."""
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter: none
        for x in range(width):
            paper = 30 <= x < width - 30 and 15 <= y < height - 15
            line = paper and (y - 30) % 14 < 3 and 45 <= x < width - 45 - (y * 7 + seed * 13) % 50
            if line:
                row += bytes((60, 60, 70))
            elif paper:
                row += bytes((250, 248, 240))
            else:
                row += bytes((150 + seed * 20 % 60, 150, 155))
        rows.append(bytes(row))

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def pdf_bytes(title: str) -> bytes:
    """A one-page PDF with a title (a core font: no font file needed)."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("helvetica", size=16)
    pdf.cell(text=title)
    pdf.ln(12)
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(w=0, h=6, text="Tongcheng demo attachment: synthetic content, no person.")
    return bytes(pdf.output())


@transaction.atomic
def attachments_seed() -> int:
    """Attach the demo files once (0 when the demo has attachments already)."""
    if CaseAttachment.objects.exists():
        return 0
    centre = User.objects.filter(username=CENTRE).first()
    if centre is None:
        return 0
    cases = Case.objects.filter(area_code=HEPING, state__in=OPEN_STATES).order_by("pk")[:CASES]
    made = 0
    for index, case in enumerate(cases):
        files = [
            SimpleUploadedFile(f"材料照片{index + 1}.png", png_bytes(seed=index)),
            SimpleUploadedFile(f"申请表-{case.number}.pdf", pdf_bytes(f"Case {case.number}")),
        ]
        checked = [check_upload(upload) for upload in files]
        made += len(attachments_add(actor=centre, case_id=case.pk, files=checked))
    return made
