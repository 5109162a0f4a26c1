"""A community worker attaches photos to a case on a 390 px phone: the panel's upload (htmx),
a refused file's message in the panel, and the photo opened from the list."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from e2e.conftest import (
    PHONE,
    NewContext,
    Problems,
    Server,
    assert_fits_screen,
    login,
    screenshot,
)
from tongcheng.lib.tests.filesamples import EXE, png

CENTRE = "heping.community"
TAP = 44


def _a_case(server: Server) -> int:
    out = server.manage(
        "shell", "-c",
        "from tongcheng.cases.actions.intake import CaseInput, case_open\n"
        "from tongcheng.cases.models import Channel, Nature, Service\n"
        "from tongcheng.org.models import Area, User\n"
        "case = case_open(actor=User.objects.get(username='heping.community'), data=CaseInput("
        "service=Service.objects.get(code='job-seeking'), nature=Nature.HELP,"
        " description='需要找工作', channel=Channel.COMMUNITY,"
        " community=Area.objects.get(code='140403001001'), caller_name='马晓梅',"
        " caller_phone='13812345678'))\n"
        "print(case.pk)",
    )  # fmt: skip
    return int(out.strip().splitlines()[-1])


def test_it_attaches_a_photo_on_a_phone(  # type: ignore[no-untyped-def]
    new_context: NewContext, server: Server, problems: Problems
):
    case = _a_case(server)
    # The refused file's answer is a 400 (the panel with the message), which Chromium logs.
    problems.expect_error_status(f"{server.url}{reverse('cases:attachment_upload', args=[case])}")
    page = login(new_context(viewport=PHONE), server, CENTRE, two_factor=False)
    page.goto(reverse("cases:case_detail", args=[case]))
    panel = page.locator("#tc-attachments")
    expect(panel).to_contain_text("尚未上传附件")
    expect(panel.locator("input[type=file][capture=environment]")).to_have_count(1)
    panel.locator("input[name='attach-file']").set_input_files(
        files=[{"name": "门牌照片.png", "mimeType": "image/png", "buffer": png(64, 48)}]
    )
    panel.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator("#tc-attachments")).to_contain_text("已上传：门牌照片.png")
    link = page.locator("#tc-attachments a", has_text="门牌照片.png")
    expect(link).to_be_visible()
    assert link.bounding_box()["height"] >= TAP  # type: ignore[index]
    assert_fits_screen(page)
    screenshot(page, "phone-case-attachments")
    # A program renamed .pdf: refused in the panel, naming it, nothing else on the page lost.
    page.locator("#tc-attachments input[name='attach-file']").set_input_files(
        files=[{"name": "申请表.pdf", "mimeType": "application/pdf", "buffer": EXE}]
    )
    page.locator("#tc-attachments").get_by_role("button", name="上传", exact=True).click()
    expect(page.locator("#tc-attachments .tc-error-summary")).to_contain_text("“申请表.pdf”")
    expect(page.locator("#tc-attachments")).to_contain_text("门牌照片.png")
    screenshot(page, "phone-case-attachment-refused")
    # The photo opens: its own bytes, never sniffed, never cached.
    href = page.locator("#tc-attachments a", has_text="门牌照片.png").get_attribute("href")
    assert href
    opened = page.request.get(f"{server.url}{href}")
    assert opened.status == 200 and opened.body() == png(64, 48)
    assert opened.headers["x-content-type-options"] == "nosniff"
    assert opened.headers["content-security-policy"] == "default-src 'none'; sandbox"
