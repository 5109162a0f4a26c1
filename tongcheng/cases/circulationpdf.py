"""The 通报 list as a PDF (A4 landscape, Noto Sans CJK through certificate.cjk_document): the
office and the date, then one table per unit, as the printable page shows them."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from tongcheng.cases.certificate import cjk_document
from tongcheng.cases.circulation import (
    CIRCULATION_LIMIT,
    Circulation,
    CirculationGroup,
    CirculationRow,
)

# Column widths in mm (A4 landscape: 297 mm less 2 × 12 mm margins).
WIDTHS = (36, 44, 44, 32, 22, 24, 71)
# The collection has no bold face embedded: the headings are shaded instead.
HEADINGS = FontFace(emphasis=None, fill_color=(230, 230, 230))


def circulation_pdf(listing: Circulation) -> bytes:
    """The list as PDF bytes, always in Chinese (FileNotFoundError without the font)."""
    with translation.override("zh-hans"):
        return _render(listing)


def _title(listing: Circulation) -> str:
    return _("%(office)s: overdue cases listed for 通报") % {"office": listing.office}


def _render(listing: Circulation) -> bytes:
    pdf = cjk_document(_title(listing), orientation="landscape")
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("noto", size=16)
    pdf.cell(text=_title(listing), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("noto", size=10)
    summary = _("As of %(date)s · %(count)d cases in %(units)d units") % {
        "date": listing.today.isoformat(), "count": listing.count, "units": len(listing.groups),
    }  # fmt: skip
    pdf.cell(text=summary, new_x="LMARGIN", new_y="NEXT")
    if listing.cut:
        cut = _("Only the first %(limit)s cases are listed.") % {"limit": CIRCULATION_LIMIT}
        pdf.cell(text=cut, new_x="LMARGIN", new_y="NEXT")
    if not listing.groups:
        pdf.ln(4)
        pdf.cell(text=_("No case is listed for 通报."), new_x="LMARGIN", new_y="NEXT")
    for group in listing.groups:
        _group(pdf, group)
    return bytes(pdf.output())


def _group(pdf: FPDF, group: CirculationGroup) -> None:
    pdf.ln(4)
    pdf.set_font("noto", size=12)
    pdf.cell(text=f"{group.unit}（{len(group.rows)}）", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("noto", size=9)
    headings = (
        _("Case number"), _("Service"), _("Community"), _("Deadline"),
        _("Working days overdue"), _("催办 on"), _("Supervising instruction"),
    )  # fmt: skip
    with pdf.table(
        col_widths=WIDTHS, text_align="LEFT", line_height=5, headings_style=HEADINGS
    ) as table:
        table.row([str(heading) for heading in headings])
        for row in group.rows:
            table.row(_cells(row))


def _cells(row: CirculationRow) -> list[str]:
    due = timezone.localtime(row.due).strftime("%Y-%m-%d %H:%M") if row.due else "—"
    urged = row.urged_on.isoformat() if row.urged_on else "—"
    return [
        row.number,
        row.service,
        row.community,
        due,
        str(row.days_overdue),
        urged,
        row.instruction or "—",
    ]
