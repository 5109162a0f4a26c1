"""The ledger on a phone, as a community officer works it: search, register a
person, be sent to the existing file on a second try, record a visit, import a small Excel
ledger with an error, fix it, import it, export the ledger. Screenshots of every step are
kept as artifacts/screenshots/ledger-*.png.

The data is made up: ID numbers come from lib.idnumber.make_id_number (valid check digits),
the ledger file is written here with xlsxwriter and the export read back with python-calamine.
Expected texts are looked up in the Chinese catalogue, as the officer sees them.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import xlsxwriter
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from e2e.conftest import (
    PHONE,
    NewContext,
    Problems,
    Server,
    assert_fits_screen,
    login,
    screenshot,
)
from tongcheng.lib.idnumber import make_id_number
from tongcheng.lib.masking import mask_id_number

USERNAME = "heping.community"  # a community officer of 和平社区 (140403001001), no two-factor
MOBILE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
# seq values high in the 0-499 range, so the numbers do not meet seed_ledger's.
NEWCOMER_ID = make_id_number("650102", date(1992, 4, 17), 487, "female")
LEDGER = [
    # name, ethnicity, sex, ID number, phone, origin, address, occupation, arrived
    (
        "马玉兰",
        "回族",
        "女",
        make_id_number("622924", date(1986, 9, 3), 471, "female"),
        "13993012345",
        "甘肃省临夏回族自治州广河县",
        "东街街道和平社区英雄路7号",
        "拉面/餐饮经营",
        "2019.3.5",
    ),
    (
        "韩德福",
        "撒拉族",
        "男",
        make_id_number("632128", date(1979, 12, 21), 472, "male"),
        "13897012345",
        "青海省海东市循化撒拉族自治县",
        "东街街道和平社区太行街33号",
        "建筑",
        "2020年6月1日",
    ),
    (
        "巴特尔",
        "蒙古族",
        "男",
        make_id_number("150102", date(1990, 1, 30), 473, "male"),
        "15047012345",
        "内蒙古自治区呼和浩特市新城区",
        "东街街道和平社区府后街2号",
        "运输",
        "2021-10-08",
    ),
]
BAD_ROW = 1  # the second ledger row gets a wrong check digit
HEADERS = (
    "序号",
    "姓名",
    "民族",
    "性别",
    "公民身份号码",
    "联系电话",
    "户籍地",
    "现住址",
    "从事职业",
    "来长日期",
)


def zh(message: str) -> str:
    """`message` as the Chinese interface shows it."""
    with translation.override("zh-hans"):
        return gettext(message)


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def write_ledger(path: Path, *, broken: bool) -> int:
    """A ledger as communities keep them: a title row above the header, dates written
    three ways. Returns the worksheet row number (1-based) of the broken row."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    sheet.write_string(0, 0, "和平社区少数民族流动人口登记台账")
    for column, title in enumerate(HEADERS):
        sheet.write_string(1, column, title)
    for index, (name, ethnicity, sex, id_number, *rest) in enumerate(LEDGER):
        if broken and index == BAD_ROW:
            id_number = wrong_check_digit(id_number)
        for column, value in enumerate((str(index + 1), name, ethnicity, sex, id_number, *rest)):
            # Numbers as text, as a careful ledger keeps them (Excel would eat the digits).
            sheet.write_string(index + 2, column, value)
    book.close()
    return BAD_ROW + 3


def upload(page: Page, path: Path, shot: str) -> None:
    page.goto(reverse("registry:import_list"))
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("input[type=file]").set_input_files(str(path))
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/registry/import/\d+/$"))
    expect(page.locator("#import-report")).to_be_visible()
    screenshot(page, shot)
    assert_fits_screen(page)


def report_value(page: Page, label: str) -> str:
    """A figure of the import preview (the <dd> after the <dt> `label`)."""
    return page.locator(f"#import-report dt:text-is('{zh(label)}') + dd").inner_text().strip()


def test_it_lets_a_community_officer_keep_the_ledger_on_a_phone(
    new_context: NewContext, server: Server, tmp_path: Path, problems: Problems
) -> None:
    phone = new_context(viewport=PHONE, user_agent=MOBILE_UA, is_mobile=True, has_touch=True)
    page = login(phone, server, USERNAME, two_factor=False)
    today = date.today().isoformat()

    # 1. The ledger: the community's files, then a search by a name from the list.
    page.goto(reverse("registry:person_list"))
    rows = page.locator("main table tbody a[href^='/registry/']")
    expect(rows.first).to_be_visible()
    screenshot(page, "ledger-01-list")
    assert_fits_screen(page)
    known = rows.first.inner_text().strip()
    page.locator("main form[role=search] input[name=q]").fill(known)
    page.locator("main form[role=search] button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"\?q="))
    expect(page.locator("main table tbody a", has_text=known).first).to_be_visible()
    screenshot(page, "ledger-02-search")

    # 2. Register a newcomer: search first (nothing found), then the form.
    page.locator("main a[href='{}']".format(reverse("registry:person_create"))).click()
    page.wait_for_url(f"**{reverse('registry:person_create')}")
    page.locator("#create-q").fill(NEWCOMER_ID)
    page.locator("form[role=search] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(zh("No file found in your area."))
    fill_person(page)
    screenshot(page, "ledger-03-register-form")
    assert_fits_screen(page)
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/registry/\d+/$"))
    file_url = page.url
    main = page.locator("main")
    expect(main.locator(".alert-success")).to_contain_text(zh("The file was created."))
    expect(main.locator("h1")).to_contain_text("古丽娜尔·艾买提")
    # Masked on the page; sex and birth date taken from the ID number, shown as year and month.
    expect(main).to_contain_text(mask_id_number(NEWCOMER_ID))
    expect(main).not_to_contain_text(NEWCOMER_ID)
    expect(main).to_contain_text("1992年4月")
    expect(main).not_to_contain_text("1992-04-17")
    screenshot(page, "ledger-04-registered")
    assert_fits_screen(page)

    # 3. The same person again: the search-first box finds the file, and registering anyway
    # shows it (409) with what was typed kept, instead of creating a second one.
    page.goto(reverse("registry:person_create"))
    page.locator("#create-q").fill(NEWCOMER_ID)
    page.locator("form[role=search] button[type=submit]").click()
    matches = page.locator("main .alert-warning")
    expect(matches).to_contain_text(
        zh(
            "Possible existing files — open one instead of "
            "creating a second file for the same person:"
        )
    )
    expect(matches.locator(f"a[href='{file_url.removeprefix(server.url)}']")).to_be_visible()
    screenshot(page, "ledger-05-duplicate-search")
    fill_person(page)
    problems.expect_error_status(page.url)  # the answer is a 409 page, by design
    page.locator("main form[method=post] button[type=submit]").click()
    existing = page.locator("#existing-file")
    expect(existing).to_contain_text(zh("Nothing was saved: this ID number already has a file."))
    expect(page.locator("main input[name=name]")).to_have_value("古丽娜尔·艾买提")
    screenshot(page, "ledger-06-duplicate-shown")
    assert_fits_screen(page)
    existing.get_by_role("link", name=zh("Open the file")).click()
    page.wait_for_url(file_url)
    page.goto(reverse("registry:person_list") + "?q=古丽娜尔")
    expect(page.locator("main table tbody a", has_text="古丽娜尔·艾买提")).to_have_count(1)

    # 4. A visit: met the person, origin, address and occupation verified today.
    page.goto(file_url)
    page.locator("main a[href$='/visit/']").click()
    page.wait_for_url(re.compile(r"/registry/\d+/visit/$"))
    expect(page.locator("input[name=visited_on]")).to_have_value(today)
    page.locator("label[for='id_outcome_0']").click()  # Visit.Outcome.MET comes first
    expect(page.locator("#id_outcome_0")).to_be_checked()
    expect(page.locator("#id_outcome_0")).to_have_value("met")
    for index in range(3):
        page.locator(f"label[for='id_verified_{index}']").click()
        expect(page.locator(f"#id_verified_{index}")).to_be_checked()
    page.locator("textarea[name=notes]").fill("入户走访，本人在家，情况属实。")
    screenshot(page, "ledger-07-visit-form")
    assert_fits_screen(page)
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(file_url)
    expect(page.locator("main .alert-success")).to_contain_text(zh("The visit was recorded."))
    facts = page.locator("section[aria-labelledby=three-heading] li")
    expect(facts).to_have_count(3)
    for index in range(3):
        expect(facts.nth(index)).to_contain_text("✓")
        expect(facts.nth(index)).to_contain_text(today)
    visits = page.locator("section[aria-labelledby=visits-heading]")
    expect(visits.locator(".list-group-item").first).to_contain_text(zh("Met the person"))
    expect(visits.locator(".list-group-item").first).to_contain_text(today)
    screenshot(page, "ledger-08-visited")

    # 5. Import a ledger with a wrong check digit: the report names row and column, and
    # offers no commit.
    ledger = tmp_path / "和平社区台账.xlsx"
    bad_row = write_ledger(ledger, broken=True)
    upload(page, ledger, "ledger-09-import-errors")
    assert report_value(page, "Errors") == "1"
    errors = page.locator("#import-report table").first.locator("tbody tr")
    expect(errors).to_have_count(1)
    cells = errors.first.locator("td")
    expect(cells.nth(0)).to_have_text(str(bad_row))
    # The header as written in the file, and the Excel column letter.
    expect(cells.nth(1)).to_have_text(
        f"公民身份号码 ({'ABCDEFGHIJ'[HEADERS.index('公民身份号码')]})"
    )
    expect(cells.nth(2)).to_contain_text(zh("The check digit of the ID number is wrong."))
    expect(page.locator("#import-report form[action$='/commit/']")).to_have_count(0)

    # 6. The fixed file: a clean dry run (3 new files, nothing written yet), then the commit.
    write_ledger(ledger, broken=False)
    upload(page, ledger, "ledger-10-import-preview")
    assert report_value(page, "Rows read") == "3"
    assert report_value(page, "New files") == "3"
    assert report_value(page, "Errors") == "0"
    page.goto(reverse("registry:person_list") + "?q=巴特尔")
    expect(page.locator("main table tbody a", has_text="巴特尔")).to_have_count(0)
    page.go_back()
    page.locator("#import-report form[action$='/commit/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/registry/import/\d+/$"))
    expect(page.locator("#import-report .alert-success")).to_be_visible()
    screenshot(page, "ledger-11-imported")
    assert_fits_screen(page)
    page.goto(reverse("registry:person_list") + "?q=巴特尔")
    expect(page.locator("main table tbody a", has_text="巴特尔")).to_have_count(1)
    screenshot(page, "ledger-12-imported-in-list")

    # 7. Export: a masked workbook with the new files in it.
    page.goto(reverse("registry:export"))
    screenshot(page, "ledger-13-export-form")
    assert_fits_screen(page)
    expect(page.locator("input[name=identified]")).to_have_count(0)  # not this role's right
    with page.expect_download() as download_info:
        page.locator("main form[method=post] button[type=submit]").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    check_export(exported)


def fill_person(page: Page) -> None:
    form = page.locator("main form[method=post]")
    form.locator("input[name=name]").fill("古丽娜尔·艾买提")
    form.locator("select[name=ethnicity]").select_option(label="维吾尔族")
    form.locator("input[name=id_number]").fill(NEWCOMER_ID)
    form.locator("input[name=phone]").fill("139 0355 1234")
    form.locator("input[name=origin]").fill("新疆维吾尔自治区乌鲁木齐市天山区")
    form.locator("input[name=address]").fill("东街街道和平社区建设路18号2单元301")
    form.locator("select[name=occupation]").select_option(value="catering_work")
    form.locator("input[name=occupation_text]").fill("拉面馆服务员")
    form.locator("input[name=arrival_date]").fill("2023-03-05")
    form.locator("input[name=notice_given]").check()


def check_export(path: Path) -> None:
    """Every new file is in the workbook with its ID number masked; no full number at all."""
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    cells = [[str(cell) for cell in row] for row in sheet]
    header = next(row for row in cells if "姓名" in row and "身份证号" in row)
    name_at, id_at = header.index("姓名"), header.index("身份证号")
    by_name = {row[name_at]: row for row in cells if len(row) > id_at}
    expected = {name: id_number for name, _e, _s, id_number, *_ in LEDGER}
    expected["古丽娜尔·艾买提"] = NEWCOMER_ID
    for name, id_number in expected.items():
        assert name in by_name, f"{name} is not in the export"
        assert by_name[name][id_at] == mask_id_number(id_number)
    full_numbers = [c for row in cells for c in row if re.search(r"\d{17}[\dX]", c)]
    assert not full_numbers, f"unmasked ID numbers in the export: {len(full_numbers)}"
