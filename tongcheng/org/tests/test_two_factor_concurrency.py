"""A TOTP code is used once, even when several logins send it at the same moment.

Real threads, each with its own database connection, through the real login views: on
PostgreSQL the logins run at once, and only the conditional UPDATE of the account's last used
time step (actions.two_factor.two_factor_code_use) lets exactly one of them in.
"""

from __future__ import annotations

import pyotp
import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast, run_concurrently
from tongcheng.lib.roles import Role
from tongcheng.org.actions.two_factor import (
    two_factor_code_use,
    two_factor_enrol_confirm,
    two_factor_store_secret,
)
from tongcheng.org.models import Membership, User
from tongcheng.org.twofactor import current_code

PASSWORD = "Correct-Horse-Battery-9"
SECRET = pyotp.random_base32()
THREADS = 5


@pytest.fixture
def chief(committed_cast: Cast) -> User:
    user = User.objects.create(username="chief", display_name="Chief")
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.create(
        user=user, role=Role.DISTRICT_OFFICE, area=committed_cast.areas["district"]
    )
    two_factor_store_secret(actor=user, account=user, secret=SECRET, confirmed=True)
    return user


def pending_client() -> Client:
    """A client past the password step, waiting for its code."""
    client = Client()
    response = client.post(reverse("login"), {"username": "chief", "password": PASSWORD})
    assert response["Location"] == reverse("login_two_factor")
    return client


def test_it_lets_exactly_one_of_five_logins_with_one_code_in(chief: User) -> None:
    clients = [pending_client() for _ in range(THREADS)]
    code = current_code(SECRET)

    def send(index: int) -> int:
        response = clients[index].post(reverse("login_two_factor"), {"code": code})
        return response.status_code

    results = run_concurrently(send, THREADS)

    assert not [r for r in results if isinstance(r, BaseException)], results
    logged_in = [c for c in clients if SESSION_KEY in c.session]
    assert len(logged_in) == 1, results
    assert sorted(results) == [200] * (THREADS - 1) + [302]
    assert AuditEvent.objects.filter(action="login.success", user_id=chief.pk).count() == 1
    assert (
        AuditEvent.objects.filter(action="login.failure", reason="wrong code").count()
        == THREADS - 1
    )


def test_it_uses_up_a_code_once_when_the_action_is_called_at_once(chief: User) -> None:
    code = current_code(SECRET)

    def use(_: int) -> bool:
        return two_factor_code_use(actor=User.objects.get(pk=chief.pk), code=code)

    results = run_concurrently(use, THREADS)

    assert sorted(map(str, results)) == ["False"] * (THREADS - 1) + ["True"]
    assert User.objects.get(pk=chief.pk).totp_last_step > 0


def test_it_confirms_an_enrolment_once_with_one_code(committed_cast: Cast) -> None:
    user = User.objects.create(username="newcomer", display_name="Newcomer")
    two_factor_store_secret(actor=user, account=user, secret=SECRET, confirmed=False)
    code = current_code(SECRET)

    def confirm(_: int) -> bool:
        return two_factor_enrol_confirm(actor=User.objects.get(pk=user.pk), code=code)

    results = run_concurrently(confirm, THREADS)

    assert sorted(map(str, results)) == ["False"] * (THREADS - 1) + ["True"]
    assert AuditEvent.objects.filter(action="two_factor.enrol", object_id=str(user.pk)).count() == 1
