"""TOTP two-factor authentication (RFC 6238): who needs it, secrets, codes. Writes nothing.

Storing a secret and using up a code's time step are writes of tongcheng.org.actions.two_factor.
"""

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


def sealed(secret: str) -> str:
    """The secret as the account stores it (encrypted)."""
    return crypto.encrypt(secret, context=_CONTEXT)


def secret_of(user: User) -> str:
    return crypto.decrypt(user.totp_secret, context=_CONTEXT)


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG (no image request, nothing leaves the page)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#1b1f24")


def matching_step(user: User, code: str) -> int | None:
    """The time step a 6-digit code belongs to (±1 step of clock drift), if not used already.

    A step at or before the account's last used one is refused: a code works once.
    """
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret_of(user))
    now = timezone.now()
    for drift in (0, -1, 1):
        step = int(totp.timecode(now)) + drift
        if totp.generate_otp(step) == code:
            return step if step > user.totp_last_step else None
    return None


def current_code(secret: str) -> str:
    """The code an authenticator shows now (demo helper and tests)."""
    return pyotp.TOTP(secret).now()


def unused_code(user: User) -> str | None:
    """A code `matching_step` accepts now: the current step's, or the next one's when the
    current step is used up already (a second login within one 30-second step). None when
    the next step is used too; the caller waits for the clock (demo helper and tests)."""
    totp = pyotp.TOTP(secret_of(user))
    step = max(int(totp.timecode(timezone.now())), user.totp_last_step + 1)
    if step > int(totp.timecode(timezone.now())) + 1:
        return None
    return str(totp.generate_otp(step))


def grouped(secret: str) -> str:
    """The secret in groups of four letters, for typing it into an authenticator by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
