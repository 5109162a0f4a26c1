"""Login throttling per client address: many names from one address, few tries each."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.lib.roles import Role
from tongcheng.org.models import LoginThrottle, Membership, User

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-Battery-9"
ATTACKER = "203.0.113.7"
MESSAGE = "用户名或密码错误，或账号已被暂时锁定。"


@pytest.fixture(autouse=True)
def _no_required_two_factor(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TWO_FACTOR_REQUIRED = "sys_admin"
    # 80 logins: a fast hasher (what is tested is the counting, not the hashing).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_officers(cast: Cast, count: int) -> list[User]:
    officers = []
    for index in range(count):
        user = User.objects.create(username=f"officer{index:02d}")
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.create(user=user, role=Role.STREET_OFFICER, area=cast.areas["street"])
        officers.append(user)
    return officers


def attempt(address: str, username: str, password: str, **headers: str) -> Client:
    client = Client(REMOTE_ADDR=address, **headers)
    client.response = client.post(  # type: ignore[attr-defined]
        reverse("login"), {"username": username, "password": password}
    )
    return client


def logged_in(client: Client) -> bool:
    return client.response.status_code == 302  # type: ignore[attr-defined,no-any-return]


def test_it_blocks_an_address_trying_four_passwords_on_each_of_twenty_names(cast: Cast) -> None:
    officers = make_officers(cast, 20)
    for officer in officers:
        for n in range(4):
            attempt(ATTACKER, officer.username, f"Wrong-Password-{n}x")
    # No name reached its own lockout of 5 ...
    assert not LoginThrottle.objects.filter(locked_until__isnull=False).exists()
    # ... yet the right password is refused from that address, with the lockout's message,
    blocked = attempt(ATTACKER, officers[0].username, PASSWORD)
    assert not logged_in(blocked)
    assert MESSAGE in blocked.response.content.decode()  # type: ignore[attr-defined]
    event = AuditEvent.objects.filter(reason="address throttled").latest("id")
    assert (event.action, event.outcome, event.ip_address) == ("login.failure", "denied", ATTACKER)
    # ... and accepted from any other address.
    assert logged_in(attempt("198.51.100.20", officers[0].username, PASSWORD))


def test_it_lets_an_address_below_the_limit_log_in(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    officers = make_officers(cast, 5)
    for officer in officers[:-1]:
        for n in range(4):
            attempt(ATTACKER, officer.username, f"Wrong-Password-{n}x")
    # 16 failures, under the 20 of settings.LOGIN_ADDRESS_FAILURE_LIMIT.
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    assert logged_in(attempt(ATTACKER, officers[-1].username, PASSWORD))


def test_it_does_not_trust_a_forwarded_for_header_without_a_proxy(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    officers = make_officers(cast, 4)
    for index, officer in enumerate(officers[:3]):
        # A new forged address each time: REMOTE_ADDR is what counts (TRUSTED_PROXY_HOPS=0).
        attempt(
            ATTACKER, officer.username, "Wrong-Password-0x", HTTP_X_FORWARDED_FOR=f"10.9.9.{index}"
        )
    assert not logged_in(
        attempt(ATTACKER, officers[3].username, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.99")
    )


def test_it_counts_the_address_the_trusted_proxy_gives(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_HOPS = 1
    proxy = "10.0.0.1"
    officers = make_officers(cast, 4)
    for officer in officers[:3]:
        attempt(proxy, officer.username, "Wrong-Password-0x", HTTP_X_FORWARDED_FOR=ATTACKER)
    assert not logged_in(
        attempt(proxy, officers[3].username, PASSWORD, HTTP_X_FORWARDED_FOR=ATTACKER)
    )
    # Another client behind the same proxy is not blocked.
    assert logged_in(
        attempt(proxy, officers[3].username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20")
    )
