"""The letter of appointment (聘书) as PDF, in Noto Sans CJK through fpdf2, exactly as the
cases' certificates are made (cases.certificate: the font, its face, its absence)."""

from __future__ import annotations

from pathlib import Path

from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from tongcheng.cases.certificate import SIMPLIFIED_CHINESE, font_missing, font_path
from tongcheng.engagement.identifiers import full_name
from tongcheng.engagement.models import Duty, Representative

__all__ = ["font_missing", "letter_pdf"]


def letter_pdf(rep: Representative) -> bytes:
    """The letter as PDF bytes, always in Chinese (FileNotFoundError without the font)."""
    path = font_path()
    if not path.is_file():
        raise FileNotFoundError(str(path))
    with translation.override("zh-hans"):
        return _render(rep, path)


def _line(pdf: FPDF, text: str, *, size: int, height: float, align: str = "L") -> None:
    pdf.set_font("noto", size=size)
    pdf.multi_cell(w=0, h=height, text=text, align=align, new_x="LMARGIN", new_y="NEXT")


def _render(rep: Representative, path: Path) -> bytes:
    title = _("Letter of appointment")
    pdf = FPDF(format="A4")
    pdf.set_title(f"{title} {rep.serial}")
    pdf.add_font("noto", fname=str(path), collection_font_number=SIMPLIFIED_CHINESE)
    pdf.set_margins(25, 25, 25)
    pdf.add_page()
    pdf.set_y(35)
    _line(pdf, title, size=26, height=14, align="C")
    _line(pdf, _("Serial number: %(serial)s") % {"serial": rep.serial}, size=11, height=8,
          align="C")  # fmt: skip
    pdf.ln(10)
    body = _(
        "%(name)s is appointed a representative of %(area)s for the term from %(start)s to "
        "%(end)s, with the duties:"
    ) % {
        "name": full_name(rep),
        "area": rep.area.name,
        "start": date_format(rep.term_from, "Y年n月j日"),
        "end": date_format(rep.term_to, "Y年n月j日"),
    }
    _line(pdf, body, size=14, height=10)
    pdf.ln(2)
    for duty in Duty:
        if duty.value in rep.duties:
            _line(pdf, f"· {duty.label}", size=13, height=9)
    pdf.ln(20)
    _line(pdf, rep.office, size=14, height=10, align="R")
    _line(pdf, date_format(rep.term_from, "Y年n月j日"), size=14, height=10, align="R")
    return bytes(pdf.output())
