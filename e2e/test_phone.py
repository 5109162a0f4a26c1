"""What a new community officer and the inspector meet on a 390 px phone: only the buttons a
role may use, the ledger as cards with its count and thumb-sized targets, the visits due of one
community and their printable list by building, a transfer picked by name, a likely duplicate
shown before saving, and a form's errors summarised at its top with the cursor in the first one.
Every page is also checked by axe-core and for English left in the Chinese interface
(conftest.check_page, through screenshot)."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

from e2e.conftest import PHONE, NewContext, Server, assert_fits_screen, login, screenshot

HEPING = "140403001001"  # 和平社区, the pilot community of heping.community
TAP = 44


def first_file(page: Page) -> str:
    page.goto(reverse("registry:person_list"))
    href = page.locator("main table tbody a[href^='/registry/']").first.get_attribute("href")
    assert href
    return href


def heights(page: Page, selector: str) -> list[float]:
    return page.locator(selector).evaluate_all(
        "nodes => nodes.filter(n => n.offsetParent).map(n => n.getBoundingClientRect().height)"
    )


def test_it_offers_the_inspector_only_what_it_may_do(new_context: NewContext, server: Server):  # type: ignore[no-untyped-def]
    page = login(new_context(viewport=PHONE), server, "luzhou.inspector", two_factor=False)
    file_url = first_file(page)
    page.goto(file_url)
    screenshot(page, "phone-inspector-file")
    main = page.locator("main")
    for write in ("/visit/", "/move/", "/transfer/", "/edit/", "/household/"):
        expect(main.locator(f"a[href$='{write}']")).to_have_count(0)
    page.goto(reverse("registry:visits_due"))
    screenshot(page, "phone-inspector-visits-due")
    expect(page.locator("#due-count")).to_be_visible()
    expect(page.locator("main a[href$='/visit/']")).to_have_count(0)


def test_it_fits_the_ledger_to_a_phone(new_context: NewContext, server: Server):  # type: ignore[no-untyped-def]
    page = login(new_context(viewport=PHONE), server, "heping.community", two_factor=False)
    page.goto(reverse("registry:person_list"))
    expect(page.locator("#result-count")).to_contain_text(re.compile(r"\d"))
    screenshot(page, "phone-ledger-cards")
    assert_fits_screen(page)
    # The name of each card is a 44 px target; ethnicity and phone are never cut to a column.
    assert min(heights(page, "main table tbody td.tc-card-title a")) >= TAP
    widths = page.locator("main table tbody td[data-label]").evaluate_all(
        "cells => cells.map(c => c.getBoundingClientRect().width)"
    )
    assert min(widths) > 300
    page.locator("main details summary").click()
    assert min(heights(page, "main details .form-check-input")) >= 24
    assert min(heights(page, "main .btn, main .form-control, main .form-select")) >= TAP
    page.goto(reverse("registry:duplicate_list"))
    screenshot(page, "phone-duplicates")
    assert_fits_screen(page)


def test_it_prints_the_visit_list_of_a_community_by_building(  # type: ignore[no-untyped-def]
    new_context: NewContext, server: Server
):
    page = login(new_context(viewport=PHONE), server, "heping.community", two_factor=False)
    page.goto(reverse("registry:visits_due"))
    page.locator("select[name=community]").select_option(HEPING)
    page.wait_for_url(re.compile(rf"community={HEPING}"))
    expect(page.locator("#due-count")).to_contain_text(re.compile(r"\d"))
    screenshot(page, "phone-visits-due-community")
    page.locator("main a[href*='print=1']").click()
    page.wait_for_url(re.compile(r"print=1"))
    expect(page.locator(".tc-sheet-building").first).to_be_visible()
    screenshot(page, "phone-visit-sheet")
    assert_fits_screen(page)
    page.emulate_media(media="print")
    expect(page.locator(".tc-navbar")).to_be_hidden()
    expect(page.locator("[data-print]")).to_be_hidden()
    page.emulate_media(media="screen")


def test_it_picks_the_receiving_community_by_name(new_context: NewContext, server: Server):  # type: ignore[no-untyped-def]
    page = login(new_context(viewport=PHONE), server, "heping.community", two_factor=False)
    file_url = first_file(page)
    page.goto(file_url + "transfer/")
    if page.locator("main button[name=cancel]").count():
        return  # a transfer of this file already waits (another test's)
    page.locator("textarea[name=reason], input[name=reason]").fill("随子女迁居")
    page.locator("#community-search").fill("上党门")
    page.locator("button[name=find]").click()
    expect(page.locator("main input[type=radio][name=to_area]").first).to_be_visible()
    expect(page.locator("input[name=reason]")).to_have_value("随子女迁居")
    screenshot(page, "phone-transfer-search")
    assert_fits_screen(page)


def test_it_summarises_errors_and_puts_the_cursor_in_the_first(  # type: ignore[no-untyped-def]
    new_context: NewContext, server: Server
):
    page = login(new_context(viewport=PHONE), server, "heping.community", two_factor=False)
    file_url = first_file(page)
    page.goto(file_url + "visit/")
    page.locator("input[name=visited_on]").fill("")
    page.locator("main form[method=post] button[type=submit]").click()
    summary = page.locator(".tc-error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("a[href='#id_visited_on']")).to_be_visible()
    expect(page.locator("#id_visited_on")).to_be_focused()
    screenshot(page, "phone-visit-errors")


SHARED_PHONE = "13700461123"


def register(page: Page, name: str) -> None:
    """Fill the new-file form with `name` and the shared phone, and send it."""
    form = page.locator("main form[method=post]")
    form.locator("input[name=name]").fill(name)
    form.locator("select[name=ethnicity]").select_option(label="维吾尔族")
    form.locator("input[name=phone]").fill(SHARED_PHONE)
    form.locator("input[name=address]").fill("东街街道和平社区建设路20号")
    form.locator("button[type=submit]").first.click()


def test_it_shows_a_likely_duplicate_before_saving(new_context: NewContext, server: Server):  # type: ignore[no-untyped-def]
    page = login(new_context(viewport=PHONE), server, "heping.community", two_factor=False)
    page.goto(reverse("registry:person_create") + "?q=买买提·吐尔逊")
    form = page.locator("main form[method=post]")
    expect(form.locator("input[name=name]")).to_have_value("买买提·吐尔逊")  # carried over
    expect(form.locator("label[for=id_name]")).to_contain_text("*")  # marked as required
    register(page, "买买提·吐尔逊")
    if page.locator("#look-alikes").count():
        page.locator("button[name=confirm_new]").click()
    page.wait_for_url(re.compile(r"/registry/\d+/$"))
    first = page.url.removeprefix(server.url)
    # Someone else with the same phone: the file above is shown before anything is saved.
    page.goto(reverse("registry:person_create"))
    register(page, "阿依古丽·吐尔逊")
    look_alikes = page.locator("#look-alikes")
    expect(look_alikes).to_be_visible()
    expect(look_alikes.locator(f"a[href='{first}']")).to_be_visible()
    expect(page.locator("main form[method=post] input[name=name]")).to_have_value("阿依古丽·吐尔逊")
    screenshot(page, "phone-create-look-alike")
    assert_fits_screen(page)
