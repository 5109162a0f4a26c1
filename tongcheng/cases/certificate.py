"""The printable certificate of a hardship certification: a PDF in Noto Sans CJK (fpdf2).

fpdf2 embeds OpenType fonts with CFF outlines through fontTools (reportlab cannot), and only
the characters used (a certificate is about 15 KB). The font is Debian's fonts-noto-cjk
(`CERTIFICATE_FONT`, the Simplified Chinese face of the collection); when it is missing the
product still runs and the certificate page says so (`font_missing`).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from tongcheng.cases.servicemodels import Certification

DEFAULT_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
# The faces of Noto Sans CJK's collection: 0 JP, 1 KR, 2 SC (Simplified Chinese), 3 TC, 4 HK.
SIMPLIFIED_CHINESE = 2


def font_path() -> Path:
    return Path(getattr(settings, "CERTIFICATE_FONT", DEFAULT_FONT))


def font_missing() -> bool:
    return not font_path().is_file()


def cjk_document(title: str, *, orientation: str = "portrait") -> FPDF:
    """An empty A4 document with the CJK face as font "noto" (FileNotFoundError without it);
    the certificate and the offices' printed lists (cases/circulationpdf.py) start here."""
    path = font_path()
    if not path.is_file():
        raise FileNotFoundError(str(path))
    pdf = FPDF(orientation=orientation, format="A4")
    pdf.set_title(title)
    pdf.add_font("noto", fname=str(path), collection_font_number=SIMPLIFIED_CHINESE)
    return pdf


def certificate_pdf(certification: Certification) -> bytes:
    """The certificate as PDF bytes, always in Chinese (FileNotFoundError without the font)."""
    with translation.override("zh-hans"):
        return _render(certification)


def _line(pdf: FPDF, text: str, *, size: int, height: float, align: str = "L") -> None:
    pdf.set_font("noto", size=size)
    pdf.multi_cell(w=0, h=height, text=text, align=align, new_x="LMARGIN", new_y="NEXT")


def _render(certification: Certification) -> bytes:
    title = _("Certificate of extreme hardship")
    pdf = cjk_document(f"{title} {certification.serial}")
    pdf.set_margins(25, 25, 25)
    pdf.add_page()
    pdf.set_y(35)
    _line(pdf, title, size=24, height=14, align="C")
    serial = _("Serial number: %(serial)s") % {"serial": certification.serial}
    _line(pdf, serial, size=11, height=8, align="C")
    pdf.ln(10)
    body = _(
        "This certifies that %(name)s was found, after review, to meet the conditions of "
        "a person in extreme hardship. The certification is valid from %(start)s to %(end)s."
    ) % {
        "name": certification.person.name,
        "start": date_format(certification.valid_from, "Y年n月j日"),
        "end": date_format(certification.valid_until, "Y年n月j日"),
    }
    _line(pdf, body, size=14, height=10)
    pdf.ln(6)
    use = _("For school-fee and medical-cost waivers and other services.")
    _line(pdf, use, size=12, height=8)
    pdf.ln(20)
    _line(pdf, certification.department.name, size=14, height=10, align="R")
    issued = timezone.localtime(certification.granted_at).date()
    _line(pdf, date_format(issued, "Y年n月j日"), size=14, height=10, align="R")
    pdf.set_y(-50)
    check = _(
        "Verification code: %(code)s. Staff check this certificate by its serial number and "
        "code on the verification page of Tongcheng."
    ) % {"code": certification.verify_code}
    _line(pdf, check, size=10, height=6)
    return bytes(pdf.output())
