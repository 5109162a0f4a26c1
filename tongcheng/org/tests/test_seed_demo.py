"""`manage.py seed_demo` and `manage.py totp_code`."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pyotp
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.lib.roles import Role
from tongcheng.org import twofactor
from tongcheng.org.actions.two_factor import two_factor_store_secret
from tongcheng.org.demo import ACCOUNTS, DEMO_PASSWORD, demo_totp_secret
from tongcheng.org.models import LeadingGroupPosition, Membership, User

# The people named in the plan: demo data must never use their names.
REAL_NAMES = {
    "席小军", "尚宪芳", "马四清", "赵坚", "李柏", "于川", "史建华", "秦志云", "唐庆坤",
    "范长喜", "车忠和", "马朝中", "张军生", "吴凌", "姚中华", "毕建民", "李志平", "王晨光",
}  # fmt: skip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_settings(settings: Any) -> None:
    settings.DEBUG = True
    # Argon2 costs ~0.1 s a hash; these tests hash dozens of times. The command is hasher-blind.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def demo_users() -> list[User]:
    return list(User.objects.filter(is_demo=True).prefetch_related("memberships"))


def test_it_creates_an_account_for_every_role() -> None:
    seed()
    roles = set(Membership.objects.filter(user__is_demo=True).values_list("role", flat=True))
    assert roles == {role.value for role in Role}
    assert len(demo_users()) == len(ACCOUNTS)


def test_it_covers_the_pilot_district_and_another_one() -> None:
    seed()
    codes = set(Membership.objects.filter(user__is_demo=True).values_list("area__code", flat=True))
    for code in [
        "140403000000",  # 潞州区
        "140403001000",  # 东街街道 (pilot street)
        "140403001001",  # 和平
        "140403001002",  # 东关
        "140403002000",  # 西街街道
        "140403002001",
        "140404000000",  # 上党区
    ]:
        assert code in codes
    assert any(c.startswith("140404") and c.endswith("000") and c[6:9] != "000" for c in codes)
    assert any(c.startswith("140404") and not c.endswith("000") for c in codes)


def test_it_gives_liaisons_their_departments() -> None:
    seed()
    departments = set(
        Membership.objects.filter(user__is_demo=True, role=Role.DEPT_LIAISON).values_list(
            "department__code", flat=True
        )
    )
    assert {"city-hrss", "city-civil", "city-edu", "city-justice", "140403-hrss"} <= departments


def test_it_is_idempotent() -> None:
    seed()
    counts = (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    secrets = {u.username: u.totp_secret for u in demo_users()}
    output = seed()
    assert "Demo data: 0 change(s)." in output
    assert (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()) == counts
    # Encrypted tokens have a fresh nonce: an unchanged token proves the secret was not rewritten.
    assert {u.username: u.totp_secret for u in demo_users()} == secrets


def test_it_repairs_a_changed_demo_account() -> None:
    seed()
    user = User.objects.get(username="heping.community")
    user.set_password("Something-else-42")
    user.is_active = False
    user.save()
    assert "Demo data: 2 change(s)." in seed()
    user.refresh_from_db()
    assert user.is_active and user.check_password(DEMO_PASSWORD)


def test_it_records_one_audit_event_per_seeding_run() -> None:
    seed()
    event = AuditEvent.objects.get(action="demo.seed")
    assert event.username == "seed_demo"
    assert event.detail["accounts"] == len(ACCOUNTS)


def test_it_uses_a_password_the_policy_accepts() -> None:
    seed()
    for user in demo_users():
        validate_password(DEMO_PASSWORD, user=user)
        assert user.check_password(DEMO_PASSWORD)


def test_it_enrols_two_factor_where_the_setting_requires_it() -> None:
    seed()
    enrolled = []
    for user in demo_users():
        if twofactor.two_factor_required(user):
            assert twofactor.has_two_factor(user), user.username
            assert twofactor.secret_of(user) == demo_totp_secret(user.username)
            enrolled.append(user.username)
        else:
            assert not user.totp_secret, user.username
    # The development default names the administrators and the city/district offices.
    assert {"city.admin", "luzhou.office", "city.security", "city.audit"} <= set(enrolled)
    assert "heping.community" not in enrolled


def test_it_enrols_everyone_when_all_accounts_need_two_factor(settings: Any) -> None:
    settings.TWO_FACTOR_REQUIRED = "all"
    seed()
    assert all(twofactor.has_two_factor(user) for user in demo_users())


def test_it_never_uses_the_real_names_of_the_plan() -> None:
    seed()
    names = {u.display_name for u in demo_users()}
    holders = set(LeadingGroupPosition.objects.values_list("holder_name", flat=True))
    assert not (names | holders) & REAL_NAMES
    assert all(names) and all(holders)


def test_it_gives_one_person_holding_two_seats_one_name() -> None:
    seed()
    seats = list(LeadingGroupPosition.objects.filter(area__code="140400000000"))
    if not seats:
        pytest.skip("no leading group seats in the reference data")
    director = next(s for s in seats if s.position == "office_director")
    same_person = [
        s for s in seats if s.pk != director.pk and s.holder_name == director.holder_name
    ]
    assert same_person, "the office director also sits in the group (兼任)"
    # Otherwise every seat has its own holder.
    assert len({s.holder_name for s in seats}) == len(seats) - 1


def test_it_prints_the_accounts() -> None:
    output = seed("--print")
    assert DEMO_PASSWORD in output
    for demo in ACCOUNTS:
        assert demo.username in output
    assert demo_totp_secret("luzhou.office") in output
    assert demo_totp_secret("heping.community") not in output
    assert "make totp USER=" in output


def test_it_refuses_to_seed_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        seed()
    assert not User.objects.filter(is_demo=True).exists()


def test_it_prints_the_current_code_of_a_demo_account() -> None:
    seed()
    out = StringIO()
    call_command("totp_code", "luzhou.office", stdout=out)
    code = out.getvalue().strip()
    assert pyotp.TOTP(demo_totp_secret("luzhou.office")).verify(code, valid_window=1)


def test_a_second_login_within_one_step_gets_a_code_that_still_works() -> None:
    seed()
    user = User.objects.get(username="luzhou.office")
    totp = pyotp.TOTP(demo_totp_secret("luzhou.office"))
    # The first login of this step used its code up.
    User.objects.filter(pk=user.pk).update(totp_last_step=int(totp.timecode(timezone.now())))
    out = StringIO()
    call_command("totp_code", "luzhou.office", stdout=out)
    user.refresh_from_db()
    assert twofactor.matching_step(user, out.getvalue().strip()) is not None


def test_it_refuses_the_code_of_a_real_account(cast: Any) -> None:
    district = cast.district
    two_factor_store_secret(
        actor=district, account=district, secret=twofactor.new_secret(), confirmed=True
    )
    with pytest.raises(CommandError, match="No demo account"):
        call_command("totp_code", "district", stdout=StringIO())


def test_it_refuses_the_code_with_debug_off(settings: Any) -> None:
    seed()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is on"):
        call_command("totp_code", "luzhou.office", stdout=StringIO())


def test_it_refuses_the_code_of_an_account_without_two_factor() -> None:
    seed()
    with pytest.raises(CommandError, match="no two-factor secret"):
        call_command("totp_code", "heping.community", stdout=StringIO())
