"""Writes of the second factor: the secret being enrolled, its confirmation, a code's use.

A secret being enrolled and a code used up write no event of their own: what they belong to is
audited (the enrolment when it is confirmed, the login when it completes, the demo seed).
Forgetting an account's authenticator is `accounts.user_reset_two_factor`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tongcheng.audit.services import Actor, audit_record
from tongcheng.org import twofactor
from tongcheng.org.models import User


@transaction.atomic
def two_factor_store_secret(
    *, actor: User | Actor, account: User, secret: str, confirmed: bool
) -> None:
    """Give the account this TOTP secret (encrypted), confirmed or waiting for a first code."""
    account.totp_secret = twofactor.sealed(secret)
    account.totp_confirmed_at = timezone.now() if confirmed else None
    account.totp_last_step = 0
    account.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])


@transaction.atomic
def two_factor_secret_start(*, actor: User) -> str:
    """The secret `actor` is enrolling: the stored unconfirmed one, or a new one (stored).

    Kept on the account, encrypted, rather than in the session, so that reloading the page or
    scanning on a second device shows the same code until it is confirmed.
    """
    if twofactor.has_two_factor(actor):
        raise ValueError("the account already has a confirmed second factor")
    if actor.totp_secret:
        return twofactor.secret_of(actor)
    secret = twofactor.new_secret()
    two_factor_store_secret(actor=actor, account=actor, secret=secret, confirmed=False)
    return secret


@transaction.atomic
def two_factor_code_use(*, actor: User, code: str) -> bool:
    """Whether `code` is the account's current code; if so its time step is used up.

    The check and the use are one conditional UPDATE: of several requests sending one code at
    once, the first to update the row wins and the others find the step used (PostgreSQL
    re-reads the row after the winner commits; SQLite runs them one after the other).
    """
    step = twofactor.matching_step(actor, code)
    if step is None:
        return False
    used = User.objects.filter(pk=actor.pk, totp_last_step__lt=step).update(totp_last_step=step)
    if used != 1:
        return False
    actor.totp_last_step = step
    return True


@transaction.atomic
def two_factor_enrol_confirm(*, actor: User, code: str) -> bool:
    """Confirm the secret shown at enrolment with a current code; audit the enrolment."""
    if not actor.totp_secret or twofactor.has_two_factor(actor):
        return False
    if not two_factor_code_use(actor=actor, code=code):
        return False
    actor.totp_confirmed_at = timezone.now()
    actor.save(update_fields=["totp_confirmed_at"])
    audit_record(actor=actor, action="two_factor.enrol", object_type="user", object_id=actor.pk)
    return True
