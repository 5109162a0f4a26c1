"""The notifications' codec for phone numbers: a user's mobile and a text message's number.

Encrypted with their own column contexts, shown masked; a text message's number is erased once
the gateway has taken it (only its last 4 digits stay, for the outbox list).
"""

from __future__ import annotations

from tongcheng.lib import crypto
from tongcheng.lib.masking import mask_phone
from tongcheng.lib.phone import last4, normalize_phone

MOBILE = "notify.mobile"
MESSAGE_TO = "notify.message_to"


def mobile_columns(raw: str) -> dict[str, str]:
    """The stored form of a user's mobile (PhoneError for a bad number; empty clears it)."""
    number = normalize_phone(raw) if raw.strip() else ""
    return {
        "mobile_enc": crypto.encrypt(number, context=MOBILE) if number else "",
        "mobile_last4": last4(number) if number else "",
    }


def mobile_of(encrypted: str) -> str:
    return crypto.decrypt(encrypted, context=MOBILE) if encrypted else ""


def masked_mobile(encrypted: str) -> str:
    number = mobile_of(encrypted)
    return mask_phone(number) if number else ""


def message_to_columns(number: str) -> dict[str, str]:
    return {"to_enc": crypto.encrypt(number, context=MESSAGE_TO), "to_last4": last4(number)}


def message_to(encrypted: str) -> str:
    return crypto.decrypt(encrypted, context=MESSAGE_TO) if encrypted else ""
