"""The meeting notice (会议通知) and the minutes (会议纪要) as .docx (python-docx) and PDF (fpdf2,
Noto Sans CJK as the cases' certificate: cases/certificate.py), always in Chinese.

Both documents are first written as a list of blocks (`Block`), then laid out by one of the
two renderers: A4, the usual margins of official documents (37/35/28/26 mm), the office's name
and the title centred, the body in 仿宋 (FangSong) 16 pt, the title in 宋体 (SimSun) 22 pt, and
the office and date at the bottom right. The .docx names the fonts for East Asian text too
(w:eastAsia), so Word and WPS show them; the PDF embeds the Noto CJK face it has.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.run import Run
from fpdf import FPDF

from tongcheng.cases.certificate import SIMPLIFIED_CHINESE, font_path
from tongcheng.meetings.models import (
    ActionItem,
    Invitation,
    Meeting,
    OfficeSetting,
    default_office_name,
)

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"


@dataclass(frozen=True)
class Block:
    kind: str  # heading, title, para, table, sign
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


def office_of(meeting: Meeting) -> tuple[str, str]:
    """The office's name as the notices print it, and its contact line."""
    setting = OfficeSetting.objects.filter(area_id=meeting.area_id).first()
    name = setting.office_name if setting is not None and setting.office_name else ""
    return name or default_office_name(meeting.area), setting.contact if setting else ""


def _when(meeting: Meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%Y年%m月%d日 %H:%M")


def _day(moment: object) -> str:
    return timezone.localtime(moment).strftime("%Y年%m月%d日")  # type: ignore[arg-type]


def notice_blocks(meeting: Meeting) -> list[Block]:
    office, contact = office_of(meeting)
    agenda = [a.title for a in meeting.agenda.all()]
    units = [i.department.name for i in meeting.invitations.select_related("department")]
    blocks = [
        Block("heading", office),
        Block("title", _("Notice of %(title)s") % {"title": meeting.title}),
        Block("para", _("To the member units:")),
        Block("para", _("%(title)s will be held as follows.") % {"title": meeting.title}),
        Block("para", _("1. Time: %(when)s") % {"when": _when(meeting)}),
        Block("para", _("2. Place: %(place)s") % {"place": meeting.place}),
        Block("para", _("3. Agenda:")),
        *[Block("para", f"（{n}）{line}") for n, line in enumerate(agenda, start=1)],
        Block("para", _("4. Units invited: %(units)s") % {"units": "、".join(units)}),
        Block("para", _("5. Each unit confirms its delegate and sends its work report before "
                        "the meeting.")),
    ]  # fmt: skip
    if contact:
        blocks.append(Block("para", _("Contact: %(contact)s") % {"contact": contact}))
    blocks.append(Block("sign", office, rows=[[_day(meeting.created_at)]]))
    return blocks


def attendance_line(invitation: Invitation) -> str:
    unit = invitation.department.name
    if invitation.attendance == Invitation.Attendance.PRESENT:
        return f"{unit}（{invitation.delegate}）" if invitation.delegate else unit
    if invitation.attendance == Invitation.Attendance.REPRESENTED:
        return _("%(unit)s (represented by %(who)s)") % {
            "unit": unit, "who": invitation.represented_by,
        }  # fmt: skip
    return ""


def deadline_text(item: ActionItem) -> str:
    text = item.due_on.strftime("%Y年%m月%d日")
    return f"{text}（{_('provisional')}）" if item.due_provisional else text


def minutes_blocks(meeting: Meeting) -> list[Block]:
    office, _contact = office_of(meeting)
    invitations = list(meeting.invitations.select_related("department"))
    present = [line for line in map(attendance_line, invitations) if line]
    absent = [
        i.department.name for i in invitations if i.attendance == Invitation.Attendance.ABSENT
    ]
    items = list(meeting.items.select_related("department").order_by("pk"))
    blocks = [
        Block("title", _("Minutes of %(title)s") % {"title": meeting.title}),
        Block("para", _("Time: %(when)s") % {"when": _when(meeting)}),
        Block("para", _("Place: %(place)s") % {"place": meeting.place}),
        Block("para", _("Chair: %(chair)s") % {"chair": meeting.chair or "—"}),
        Block("para", _("Attending: %(units)s") % {"units": "、".join(present) or "—"}),
    ]
    if absent:
        blocks.append(Block("para", _("Absent: %(units)s") % {"units": "、".join(absent)}))
    blocks.append(Block("para", _("The meeting discussed:")))
    blocks += [Block("para", line) for line in meeting.minutes.splitlines() if line.strip()]
    if items:
        blocks.append(Block("para", _("The meeting decided:")))
        header = [_("No."), _("Decided item"), _("Responsible unit"), _("Time limit")]
        rows = [
            [str(n), item.title, item.department.name, deadline_text(item)]
            for n, item in enumerate(items, start=1)
        ]
        blocks.append(Block("table", rows=[header, *rows]))
    issued = meeting.issued_at or timezone.now()
    blocks.append(Block("sign", office, rows=[[_day(issued)]]))
    return blocks


# --- .docx ---------------------------------------------------------------------------------


def _font(run: Run, name: str, size: int, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _docx(blocks: list[Block], title: str) -> bytes:
    document = Document()
    document.core_properties.title = title
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    for block in blocks:
        if block.kind == "table":
            _docx_table(document, block.rows)
            continue
        paragraph = document.add_paragraph()
        if block.kind in ("heading", "title"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            size = 22 if block.kind == "title" else 18
            _font(paragraph.add_run(block.text), TITLE_FONT, size, bold=True)
        elif block.kind == "sign":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(paragraph.add_run(block.text), BODY_FONT, 16)
            date_line = document.add_paragraph()
            date_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(date_line.add_run(block.rows[0][0]), BODY_FONT, 16)
        else:
            _font(paragraph.add_run(block.text), BODY_FONT, 16)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_table(document: object, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 12, bold=r == 0)


# --- PDF -----------------------------------------------------------------------------------


def _pdf(blocks: list[Block], title: str) -> bytes:
    path = font_path()
    if not path.is_file():
        raise FileNotFoundError(str(path))
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.add_font("noto", fname=str(path), collection_font_number=SIMPLIFIED_CHINESE)
    pdf.set_margins(28, 37, 26)
    pdf.set_auto_page_break(True, margin=35)
    pdf.add_page()
    for block in blocks:
        if block.kind == "table":
            pdf.set_font("noto", size=10)
            with pdf.table(col_widths=(10, 70, 40, 36), text_align="LEFT") as table:
                for row in block.rows:
                    line = table.row()
                    for text in row:
                        line.cell(text)
            pdf.ln(4)
            continue
        size = {"heading": 16, "title": 20}.get(block.kind, 13)
        align = {"heading": "C", "title": "C", "sign": "R"}.get(block.kind, "L")
        pdf.set_font("noto", size=size)
        if block.kind == "sign":
            pdf.ln(8)
        pdf.multi_cell(w=0, h=size * 0.6, text=block.text, align=align, new_x="LMARGIN",
                       new_y="NEXT")  # fmt: skip
        if block.kind == "sign":
            pdf.multi_cell(w=0, h=8, text=block.rows[0][0], align="R", new_x="LMARGIN",
                           new_y="NEXT")  # fmt: skip
        if block.kind in ("heading", "title"):
            pdf.ln(4)
    return bytes(pdf.output())


def render(meeting: Meeting, document: str, kind: str) -> tuple[bytes, str]:
    """The notice or the minutes ("notice"/"minutes") as "docx" or "pdf": bytes, file name."""
    with translation.override("zh-hans"):
        blocks = notice_blocks(meeting) if document == "notice" else minutes_blocks(meeting)
        word = _("Meeting notice") if document == "notice" else _("Meeting minutes")
        title = f"{meeting.title} {word}"
        content = _docx(blocks, title) if kind == "docx" else _pdf(blocks, title)
    return content, f"{word}-{meeting.pk}.{kind}"
