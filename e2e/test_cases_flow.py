"""The 三必帮 case from the phone platform's call to its close, in the browser.

A signed platform call event pops the caller's file on the operator's console; the operator
opens a case for it, dispatched to the service's unit; the unit's liaison signs it in the inbox
and replies; the follow-up call is unsatisfied, so the case is reopened; the liaison replies
again; the second call is satisfied and the case is closed. Then a return found on the district
office's dispatch desk and adjudicated, an extension asked and approved, and the operator's call
that tells the caller the new deadline. Then the offices' printable 通报 list and provisional
deadlines. Screenshots of each step.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from playwright.sync_api import Page, expect

from e2e.conftest import DESKTOP, PHONE, NewContext, Server, login, screenshot
from tongcheng.hotline.demo import DEMO_SECRET
from tongcheng.hotline.signing import signed_headers

OPERATOR = "city.hotline"
LIAISON = "luzhou-hrss.liaison"
OFFICE = "luzhou.office"


def _file_with_phone(server: Server) -> tuple[int, str]:
    """A ledger file of 潞州区 with a phone (its id and number), as the seed made it."""
    out = server.manage(
        "shell", "-c",
        "from tongcheng.registry.models import Person\n"
        "from tongcheng.registry.identifiers import decrypt\n"
        "p = Person.objects.filter(area_code__startswith='140403').exclude(phone_enc='')"
        ".order_by('pk').first()\n"
        "print(p.pk, decrypt(p, 'phone'))",
    )  # fmt: skip
    pk, phone = out.strip().splitlines()[-1].split()
    return int(pk), phone


def _ring(server: Server, call_id: str, phone: str) -> None:
    body = json.dumps({"type": "call", "call_id": call_id, "phone": phone,
                       "event": "ringing"}).encode()  # fmt: skip
    headers = {"Content-Type": "application/json", **signed_headers(DEMO_SECRET, body)}
    url = f"{server.url}/api/v1/hotline/platforms/12345/events"
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 (our server)
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        assert answer.status == 200


def _move(page: Page, move: str, fields: dict[str, Any] | None = None) -> None:
    """Open a move's panel on the case page, fill it and send it."""
    form = page.locator(f"form[action$='/move/{move}/']")
    panel = page.locator("details", has=form)
    if panel.count():
        panel.locator("summary").click()
    for name, value in (fields or {}).items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _state(page: Page) -> str:
    return page.locator("h1 .badge").inner_text()


def test_a_platform_call_becomes_a_case_followed_to_its_close(
    new_context: NewContext, server: Server
) -> None:
    server.manage("seed_hotline", "-v", "0")
    person, phone = _file_with_phone(server)
    _ring(server, "e2e-call-1", phone)

    operator = login(new_context(DESKTOP), server, OPERATOR, two_factor=False)
    operator.goto("/hotline/console/")
    operator.locator("#tc-calls a").first.click()
    pop = operator.locator("#tc-pop-title").locator("xpath=..")
    expect(pop).to_contain_text("****")  # the caller's file, masked
    assert phone not in operator.content()
    screenshot(operator, "case-flow-01-console-pop")
    operator.locator(f"[data-tc-fill=id_person][data-tc-value='{person}']").click()
    intake = operator.locator("form[action$='/console/intake/']")
    intake.locator("[name=service]").select_option(label="求职登记与职业介绍")
    intake.locator("[name=description]").fill("想找一份餐饮工作，希望离家近一些")
    intake.locator("[name=then]").select_option("dispatch")
    intake.locator("button[type=submit]").click()
    operator.wait_for_url("**/cases/*/")
    case_url = operator.url
    assert _state(operator) == "已派单"
    screenshot(operator, "case-flow-02-dispatched")

    liaison = login(new_context(DESKTOP), server, LIAISON, two_factor=False)
    liaison.goto("/cases/inbox/")
    number = operator.locator("dd").first.inner_text().strip()
    liaison.locator(f"input[name=case][value^='{case_url.rstrip('/').split('/')[-1]}:']").check()
    screenshot(liaison, "case-flow-03-inbox")
    liaison.locator("#tc-bulk-sign button[type=submit]").click()
    expect(liaison.locator(".alert-success")).to_contain_text(number)
    liaison.goto(case_url)
    assert _state(liaison) == "办理中"
    _move(liaison, "reply", {"outcome": "resolved", "reply": "已推荐至某餐饮企业面试"})
    assert _state(liaison) == "已答复"

    operator.goto("/hotline/follow-ups/")
    expect(operator.locator("main")).to_contain_text(number)
    operator.goto(case_url)
    _move(operator, "follow_up", {"result": "unsatisfied", "comment": "面试岗位太远"})
    assert _state(operator) == "重办"
    screenshot(operator, "case-flow-04-reopened")

    liaison.goto(case_url)
    _move(liaison, "reply", {"outcome": "resolved", "reply": "已改推荐同社区餐馆，已约面试"})
    operator.goto(case_url)
    _move(operator, "follow_up", {"result": "satisfied", "comment": ""})
    assert _state(operator) == "已办结"
    history = operator.locator("ol.list-group").inner_text()
    assert history.count("答复") >= 2 and "回访" in history
    screenshot(operator, "case-flow-05-closed")


def test_a_return_is_adjudicated_and_an_extension_approved(
    new_context: NewContext, server: Server
) -> None:
    operator = login(new_context(DESKTOP), server, OPERATOR, two_factor=False)
    operator.goto("/hotline/console/")
    intake = operator.locator("form[action$='/console/intake/']")
    intake.locator("[name=caller_name]").fill("古丽娜尔")
    intake.locator("[name=caller_phone]").fill("15935541103")
    intake.locator("[name=community]").fill("140403001001")
    intake.locator("[name=service]").select_option(label="求职登记与职业介绍")
    intake.locator("[name=description]").fill("想参加技能培训后找工作")
    intake.locator("[name=then]").select_option("dispatch")
    intake.locator("button[type=submit]").click()
    operator.wait_for_url("**/cases/*/")
    case_url = operator.url

    liaison = login(new_context(DESKTOP), server, LIAISON, two_factor=False)
    liaison.goto(case_url)
    _move(liaison, "return", {"reason": "not_our_duty", "basis": "职业技能培训由培训机构承办"})
    assert liaison.locator("main").inner_text()  # the unit no longer sees it: a page says so

    office = login(new_context(DESKTOP), server, OFFICE, two_factor=True)
    # The office finds the return on its dispatch desk and opens the case from there.
    number = operator.locator("dd").first.inner_text().strip()
    office.goto("/cases/desk/")
    returns = office.locator("section#returns")
    expect(returns).to_contain_text(number)
    screenshot(office, "case-flow-06-desk")
    returns.locator("a", has_text=number).click()
    office.wait_for_url(case_url)
    assert _state(office) == "承办单位已退单"
    lead = office.locator("form[action$='/move/redispatch/'] [name=lead]")
    office.locator("details", has=lead).locator("summary").click()
    lead.select_option(label="潞州区人社局")
    office.locator("form[action$='/move/redispatch/'] button[type=submit]").click()
    office.wait_for_load_state()
    assert _state(office) == "已派单"
    history = office.locator("ol.list-group").inner_text()
    assert "退单" in history or "退回" in history
    screenshot(office, "case-flow-07-return-upheld")

    liaison.goto(case_url)
    _move(liaison, "sign")
    _move(liaison, "request_extension", {"new_due": "2026-12-31", "reason": "需等待培训开班"})
    office.goto("/cases/desk/")
    expect(office.locator("section#extensions")).to_contain_text("需等待培训开班")
    office.goto(case_url)
    _move(office, "decide_extension", {"approve": "1", "note": "同意"})
    expect(office.locator("ol.list-group")).to_contain_text("同意")
    screenshot(office, "case-flow-08-extension-approved")

    # The caller is to be told the new deadline: the operator's follow-up queue, on a phone.
    caller = login(new_context(PHONE), server, OPERATOR, two_factor=False)
    caller.goto("/hotline/follow-ups/")
    task = caller.locator("section#tell li", has_text=number)
    expect(task).to_contain_text("2026-12-31")
    screenshot(caller, "case-flow-09-tell-the-caller")
    task.locator("button[value=told]").click()
    expect(caller.locator(".alert-success")).to_contain_text(number)
    expect(caller.locator("section#tell")).not_to_contain_text(number)
    caller.goto(case_url)
    expect(caller.locator("ol.list-group")).to_contain_text("已告知来电人新的办理期限")


def test_the_offices_print_the_circulation_list_and_see_the_provisional_deadlines(
    new_context: NewContext, server: Server
) -> None:
    office = login(new_context(PHONE), server, OFFICE, two_factor=True)
    office.goto("/cases/desk/")
    for section in ("to_dispatch", "returns", "extensions", "supervised", "urged", "circulated"):
        expect(office.locator(f"section#{section}")).to_be_visible()
    screenshot(office, "desk-phone")
    office.locator("a[href='/cases/desk/circulation/']").click()
    expect(office.locator("h1")).to_contain_text("超期诉求通报清单")
    expect(office.locator("button[data-print]")).to_be_visible()
    screenshot(office, "circulation-phone")
    # On paper: the list without the shell and without the buttons.
    office.emulate_media(media="print")
    expect(office.locator("nav.tc-navbar")).to_be_hidden()
    expect(office.locator("button[data-print]")).to_be_hidden()
    expect(office.locator("h1")).to_be_visible()
    admin = login(new_context(DESKTOP), server, "city.admin", two_factor=True)
    admin.goto("/cases/provisional/")
    expect(admin.locator("h1")).to_contain_text("暂定时限")
    screenshot(admin, "provisional-deadlines")
    # On a phone, each missing year is a 44 px square at least ("2027" alone is narrower).
    admin.set_viewport_size(PHONE)
    for box in admin.locator("main .tc-card-action").evaluate_all(
        "links => links.map(a => a.getBoundingClientRect().toJSON())"
    ):
        assert box["width"] >= 44 and box["height"] >= 44, box
