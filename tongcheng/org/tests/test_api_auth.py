"""API authentication: the browser session or a bearer token; the policy applies to both."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor
from tongcheng.org.actions.tokens import api_token_create
from tongcheng.org.models import ApiToken, User

pytestmark = pytest.mark.django_db

ME = reverse("api:me")


def token_for(username: str, days: int = 90) -> str:
    user = User.objects.get(username=username)
    _api_token, token = api_token_create(actor=Actor.system(), account=user, name="test", days=days)
    return token


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_it_refuses_anonymous_callers_with_401(cast) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(ME).status_code == 401


def test_it_accepts_the_session(cast) -> None:  # type: ignore[no-untyped-def]
    response = cast.client("community_a").get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "community_a"


def test_it_accepts_a_bearer_token(cast) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(ME, **bearer(token_for("street")))
    assert response.status_code == 200
    assert response.json()["username"] == "street"
    assert ApiToken.objects.get().last_used_at is not None


def test_it_stores_only_a_hash_of_the_token(cast) -> None:  # type: ignore[no-untyped-def]
    token = token_for("street")
    stored = ApiToken.objects.get()
    assert token not in (stored.token_hash, stored.prefix)
    assert token.startswith(stored.prefix)


@pytest.mark.parametrize(
    "header",
    ["Bearer tc_not-a-real-token", "Bearer ", "Basic abc", "Token tc_x"],
)
def test_it_refuses_a_bad_token_with_401(cast, header: str) -> None:  # type: ignore[no-untyped-def]
    token_for("street")
    assert Client().get(ME, HTTP_AUTHORIZATION=header).status_code == 401


def test_it_refuses_an_expired_token_with_401(cast) -> None:  # type: ignore[no-untyped-def]
    token = token_for("street")
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(ME, **bearer(token)).status_code == 401


def test_it_refuses_a_revoked_token_with_401(cast) -> None:  # type: ignore[no-untyped-def]
    token = token_for("street")
    ApiToken.objects.update(revoked=True)
    assert Client().get(ME, **bearer(token)).status_code == 401


def test_it_refuses_the_token_of_a_disabled_account_with_401(cast) -> None:  # type: ignore[no-untyped-def]
    token = token_for("street")
    User.objects.filter(username="street").update(is_active=False)
    assert Client().get(ME, **bearer(token)).status_code == 401


def test_it_applies_the_policy_roles_to_token_callers(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tongcheng.lib.contributions import only
    from tongcheng.lib.roles import Role
    from tongcheng.org.contributions import policy_table

    # Narrow one entry to a role the caller does not hold: the token is refused with 403.
    monkeypatch.setitem(policy_table(), "api:me", only(Role.CITY_ADMIN, api=True))
    response = Client().get(ME, **bearer(token_for("street")))
    assert response.status_code == 403
    denial = AuditEvent.objects.get(action="deny:api:me")
    assert (denial.username, denial.outcome) == ("street", "denied")
    assert cast.client("city_admin").get(ME).status_code == 200
    assert cast.client("street").get(ME).status_code == 403


def test_it_sets_the_acting_role_for_token_callers(cast) -> None:  # type: ignore[no-untyped-def]
    url = reverse("api:area_detail", args=["140403002001"])
    response = Client().get(url, **bearer(token_for("community_a")))
    assert response.status_code == 404
    denial = AuditEvent.objects.get(action="deny:api:area_detail")
    assert (denial.username, denial.role) == ("community_a", "community_officer")
    assert (denial.object_type, denial.object_id) == ("area", "140403002001")


def test_it_checks_csrf_for_session_callers() -> None:
    from tongcheng.api import SessionPolicyAuth, api

    # Every operation is GET today; the session auth carries ninja's CSRF check for later ones.
    assert SessionPolicyAuth().csrf is True
    assert any(isinstance(auth, SessionPolicyAuth) for auth in api.auth)  # type: ignore[union-attr]


def test_it_needs_the_account_to_hold_a_role(cast) -> None:  # type: ignore[no-untyped-def]
    User.objects.create(username="nobody")
    response = Client().get(ME, **bearer(token_for("nobody")))
    assert response.status_code == 403


def test_it_audits_a_refused_token_without_the_token(cast) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(ME, **bearer("tc_guessed-token")).status_code == 401
    event = AuditEvent.objects.get(action="deny:api:me")
    assert (event.outcome, event.reason) == ("denied", "bad token")
    assert "tc_guessed" not in str(event.detail)


def test_it_refuses_a_demo_accounts_token_where_demo_accounts_cannot_log_in(  # type: ignore[no-untyped-def]
    cast, settings
) -> None:
    token = token_for("street")
    User.objects.filter(username="street").update(is_demo=True)
    settings.DEMO_ACCOUNTS_ALLOWED = False
    assert Client().get(ME, **bearer(token)).status_code == 401
    settings.DEMO_ACCOUNTS_ALLOWED = True
    assert Client().get(ME, **bearer(token)).status_code == 200
