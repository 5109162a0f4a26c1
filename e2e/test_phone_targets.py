"""Thumb-sized on a 390 px phone, page by page: every control and every link that is not a word
inside a sentence is at least 44 px tall and wide, no text is below 14 px (Bootstrap's badges
are 12 px, 10.5 px in a small button), and nothing runs off the side; each page is also checked
by axe-core (conftest.check_page). The pages are those where one of these went wrong."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import Page, expect

from e2e.conftest import PHONE, NewContext, Problems, Server, assert_fits_screen, login, screenshot
from e2e.test_attachments import _a_case

# Targets under 44 px and text under 14 px on the page as it is now. A link inside running text
# (a paragraph, a list line, a table cell, a form's hint) is exempt, as WCAG 2.5.8 exempts it;
# so are the skip link (1 px until focused) and hidden elements.
PHONE_PROBLEMS = """
() => {
  const found = [];
  const shown = (el) => el.offsetParent !== null || getComputedStyle(el).position === "fixed";
  const targets = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const el of document.querySelectorAll(targets)) {
    if (!shown(el) || el.classList.contains("visually-hidden-focusable")) continue;
    let box = el.getBoundingClientRect();
    if (el.type === "checkbox" || el.type === "radio") {
      box = (el.closest(".form-check") || el.closest("label") || el).getBoundingClientRect();
    }
    const inline = el.tagName === "A" && getComputedStyle(el).display === "inline"
      && el.closest("p, li, td, dd, .form-text, small");
    if (!inline && (box.height < 44 || box.width < 44)) {
      const name = (el.innerText || el.name || el.value || "").trim().slice(0, 20);
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      found.push(`target ${el.tagName} "${name}" ${size}`);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || !shown(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 14) found.push(`text "${node.textContent.trim().slice(0, 20)}" ${size}px`);
  }
  return found;
}
"""


def assert_thumb_sized(page: Page) -> None:
    assert_fits_screen(page)
    problems = page.evaluate(PHONE_PROBLEMS)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def test_it_sizes_the_menu_and_the_lists_for_a_thumb(  # type: ignore[no-untyped-def]
    new_context: NewContext, server: Server
):
    _a_case(server)
    page = login(new_context(viewport=PHONE, has_touch=True), server, "heping.community",
                 two_factor=False)  # fmt: skip
    # From the keyboard: the skip link, then the brand, ringed in white on the brand red.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(".navbar-brand")).to_be_focused()
    ring = page.locator(".navbar-brand").evaluate(
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineColor]"
    )
    assert ring == ["solid", "rgb(255, 255, 255)"], ring
    page.locator(".navbar-toggler").click()
    expect(page.locator("#tc-nav")).to_be_visible()
    assert_thumb_sized(page)
    screenshot(page, "phone-menu-open")
    page.goto(reverse("cases:case_list"))
    expect(page.locator("main .list-group-item a.tc-tap").first).to_be_visible()
    assert_thumb_sized(page)
    screenshot(page, "phone-case-list")
    page.goto(reverse("cases:proactive"))  # its lists are tabs
    expect(page.locator("main .nav-tabs .nav-link").first).to_be_visible()
    assert_thumb_sized(page)
    page.goto(reverse("hotline:article_list"))
    expect(page.locator("main select[name=service]")).to_have_class("form-select")
    assert_thumb_sized(page)


def test_it_lays_out_the_forms_for_a_phone(  # type: ignore[no-untyped-def]
    new_context: NewContext, server: Server, problems: Problems
):
    problems.expect_error_status(f"{server.url}{reverse('meetings:meeting_create')}")
    page = login(new_context(viewport=PHONE, has_touch=True), server, "heping.community",
                 two_factor=False)  # fmt: skip
    page.goto(reverse("engagement:representative_create"))
    duties = page.locator("main fieldset:has(input[name=duties])")
    expect(duties.locator("legend")).to_contain_text("社会职责")
    expect(duties.locator(".form-check input.form-check-input")).to_have_count(3)
    expect(page.locator("main input[name=phone]")).to_have_attribute("inputmode", "tel")
    assert_thumb_sized(page)
    screenshot(page, "phone-representative-new")
    office = login(new_context(viewport=PHONE, has_touch=True), server, "luzhou.office",
                   two_factor=True)  # fmt: skip
    # Every volunteer account on the team: the page says so in an alert, its button readable.
    server.manage(
        "shell", "-c",
        "from tongcheng.cases.servicemodels import LegalVolunteer\n"
        "from tongcheng.org.models import Area, User\n"
        "district = Area.objects.get(code='140403000000')\n"
        "LegalVolunteer.objects.get_or_create(user=User.objects.get(username='luzhou.volunteer'),"
        " defaults={'district': district, 'area_code': district.code, 'name': '牛振华',"
        " 'contact': '13800000000'})",
    )  # fmt: skip
    office.goto(reverse("cases:volunteer_create"))
    expect(office.locator("main .alert .btn-outline-primary")).to_be_visible()
    screenshot(office, "phone-volunteer-no-account")
    office.goto(reverse("meetings:meeting_create"))
    office.locator("main form[method=post] button[type=submit]").click()
    summary = office.locator(".tc-error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("a[href='#id_title']")).to_contain_text("标题")
    expect(summary.locator("a[href='#id_departments_0']")).to_contain_text("参会单位")
    expect(office.locator("#id_title")).to_be_focused()
    assert_thumb_sized(office)
    screenshot(office, "phone-meeting-errors")
