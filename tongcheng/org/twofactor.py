"""TOTP two-factor authentication (RFC 6238): who needs it, enrolment secrets, verification."""

from __future__ import annotations

import pyotp
import segno
from django.conf import settings
from django.utils import timezone

from tongcheng.lib import crypto
from tongcheng.org.models import User

ISSUER = "Tongcheng"
_CONTEXT = "user.totp_secret"


def two_factor_required(user: User) -> bool:
    """Whether the TWO_FACTOR_REQUIRED setting ("all" or role codes) covers this account."""
    policy = settings.TWO_FACTOR_REQUIRED.strip()
    if policy == "all":
        return True
    wanted = {code.strip() for code in policy.split(",") if code.strip()}
    return any(m.role in wanted for m in user.all_memberships())


def has_two_factor(user: User) -> bool:
    return bool(user.totp_secret and user.totp_confirmed_at)


def new_secret() -> str:
    return pyotp.random_base32()


def store_secret(user: User, secret: str, *, confirmed: bool) -> None:
    user.totp_secret = crypto.encrypt(secret, context=_CONTEXT)
    user.totp_confirmed_at = timezone.now() if confirmed else None
    user.totp_last_step = 0
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])


def secret_of(user: User) -> str:
    return crypto.decrypt(user.totp_secret, context=_CONTEXT)


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG (no image request, nothing leaves the page)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#1b1f24")


def verify(user: User, code: str, *, secret: str | None = None) -> bool:
    """Check a 6-digit code (±1 step of clock drift) and refuse a code already used."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(secret or secret_of(user))
    now = timezone.now()
    for drift in (0, -1, 1):
        step = totp.timecode(now) + drift
        if totp.generate_otp(step) == code:
            if step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            user.save(update_fields=["totp_last_step"])
            return True
    return False


def current_code(secret: str) -> str:
    """The code an authenticator shows now (demo helper and tests)."""
    return pyotp.TOTP(secret).now()


def enrolment_secret(user: User) -> str:
    """The secret being enrolled: the stored unconfirmed one, or a new one (stored, unconfirmed).

    Kept on the account, encrypted, rather than in the session, so that reloading the page or
    scanning on a second device shows the same code until it is confirmed.
    """
    if has_two_factor(user):
        raise ValueError("the account already has a confirmed second factor")
    if user.totp_secret:
        return secret_of(user)
    secret = new_secret()
    store_secret(user, secret, confirmed=False)
    return secret


def grouped(secret: str) -> str:
    """The secret in groups of four letters, for typing it into an authenticator by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
