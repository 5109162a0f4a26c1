"""The UI shell in a real browser: login (with and without two-factor), language switch, every
page the navigation offers each role, on a desktop and on a 390 px phone."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import (
    DESKTOP,
    PASSWORD,
    PHONE,
    NewContext,
    Problems,
    Server,
    assert_fits_screen,
    login,
    screenshot,
    visit,
)
from tongcheng.org.management.commands.seed_demo import DEMO_PASSWORD


def nav_paths(page: Page) -> set[str]:
    hrefs = page.locator("nav .navbar-nav a.nav-link[href^='/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return set(hrefs)


def first_link(page: Page, prefix: str, exclude: str) -> str:
    """The first link on the page into `prefix` (a detail page), other than `exclude`."""
    hrefs = page.locator(f"main a[href^='{prefix}']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    candidates = [h for h in hrefs if h.split("?")[0] != exclude]
    assert candidates, f"no link to a detail page under {prefix}"
    return str(candidates[0])


def check_pages_on_phone(
    new_context: NewContext, desktop: BrowserContext, pages: dict[str, str], role: str
) -> None:
    """The same pages in the same session, 390 px wide: nothing wider than the screen."""
    phone = new_context(viewport=PHONE, storage_state=desktop.storage_state())
    page = phone.new_page()
    for name, path in pages.items():
        visit(page, path, f"{role}-{name}-phone")
        assert_fits_screen(page)
    # The menu collapses behind the toggler on a phone and opens on a tap.
    page.goto(reverse("home"))
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    toggler.click()
    # Bootstrap adds `show` once the opening transition has ended.
    expect(page.locator("#tc-nav")).to_have_class(re.compile(r"\bshow\b"))
    screenshot(page, f"{role}-menu-phone")


def test_it_logs_in_with_the_demo_password() -> None:
    # conftest.login types PASSWORD; it must stay seed_demo's password.
    assert PASSWORD == DEMO_PASSWORD


def test_it_serves_the_login_page_in_chinese_first(
    new_context: NewContext, problems: Problems
) -> None:
    page = new_context().new_page()
    page.goto(reverse("login"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("input[name=username]")).to_be_visible()
    screenshot(page, "login-desktop")
    phone = new_context(viewport=PHONE).new_page()
    phone.goto(reverse("login"))
    screenshot(phone, "login-phone")


def test_it_refuses_a_wrong_password(new_context: NewContext, server: Server) -> None:
    page = new_context().new_page()
    page.goto(reverse("login"))
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill("xijie.street")
    form.locator("input[name=password]").fill("Wrong#password-123")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{server.url}{reverse('login')}")
    expect(page.locator("form:has(input[name=password]) .alert-danger")).to_be_visible()


def test_it_shows_a_community_officer_the_shell(
    new_context: NewContext, server: Server, problems: Problems
) -> None:
    desktop = new_context(viewport=DESKTOP)
    page = login(desktop, server, "heping.community", two_factor=False)
    # The menu offers what the policy allows a community officer, and nothing more.
    paths = nav_paths(page)
    assert {
        reverse("home"),
        reverse("org:area_list"),
        reverse("org:department_list"),
        reverse("org:leading_group"),
    } <= paths
    assert reverse("org:user_list") not in paths
    assert reverse("audit:event_list") not in paths

    # Language: Chinese by default, English on a click, and back.
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.locator("button[name=language][value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav")).to_contain_text("Areas")
    screenshot(page, "community-home-en-desktop")
    page.locator("button[name=language][value=zh-hans]").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    pages = {
        "home": reverse("home"),
        "areas": reverse("org:area_list"),
        "area": reverse("org:area_detail", args=["140403001001"]),
        "departments": reverse("org:department_list"),
        "department": reverse("org:department_detail", args=["city-hrss"]),
        "leading-group": reverse("org:leading_group"),
        "account": reverse("account:profile"),
    }
    for name, path in pages.items():
        visit(page, path, f"community-{name}-desktop")
    # Another community of the same street is out of this officer's scope.
    other = reverse("org:area_detail", args=["140403002001"])
    problems.expect_error_status(f"{server.url}{other}")
    response = page.goto(other)
    assert response is not None and response.status == 404
    check_pages_on_phone(new_context, desktop, pages, "community")


def test_it_shows_a_district_office_the_shell_after_two_factor(
    new_context: NewContext, server: Server
) -> None:
    desktop = new_context(viewport=DESKTOP)
    page = login(desktop, server, "luzhou.office", two_factor=True)
    paths = nav_paths(page)
    assert reverse("org:user_list") in paths
    assert reverse("audit:event_list") not in paths

    page.goto(reverse("org:user_list"))
    user_detail = first_link(page, "/org/users/", exclude=reverse("org:user_list"))
    pages = {
        "home": reverse("home"),
        "areas": reverse("org:area_list"),
        "area": reverse("org:area_detail", args=["140403000000"]),
        "departments": reverse("org:department_list"),
        "department": reverse("org:department_detail", args=["140403-hrss"]),
        "leading-group": reverse("org:leading_group"),
        "accounts": reverse("org:user_list"),
        "account-detail": user_detail,
        "account": reverse("account:profile"),
    }
    for name, path in pages.items():
        visit(page, path, f"district-{name}-desktop")
    check_pages_on_phone(new_context, desktop, pages, "district")


def test_it_shows_the_audit_administrator_the_trail(
    new_context: NewContext, server: Server
) -> None:
    desktop = new_context(viewport=DESKTOP)
    page = login(desktop, server, "city.audit", two_factor=True)
    assert reverse("audit:event_list") in nav_paths(page)
    pages = {
        "home": reverse("home"),
        "audit": reverse("audit:event_list"),
        "account": reverse("account:profile"),
    }
    for name, path in pages.items():
        visit(page, path, f"audit-{name}-desktop")
    # The logins above are in the trail.
    page.goto(reverse("audit:event_list"))
    expect(page.locator("main")).to_contain_text("city.audit")
    check_pages_on_phone(new_context, desktop, pages, "audit")


def test_it_logs_out(new_context: NewContext, server: Server) -> None:
    page = login(new_context(), server, "dongjie.street", two_factor=False)
    page.locator("#tc-user-menu").click()
    page.locator("form[action='/logout/'] button[type=submit]").click()
    page.wait_for_url(f"**{reverse('login')}*")
    response = page.goto(reverse("home"))
    assert response is not None
    assert reverse("login") in page.url
