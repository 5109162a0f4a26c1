"""The hotline's codec: a call's number and a platform's HMAC secret.

A call's number is kept as the ledger keeps a phone (encrypted with its column's context, the
ledger's keyed hash for the screen pop, its last 4 digits); the platform's secret is encrypted
and read only to check or make a signature.
"""

from __future__ import annotations

from tongcheng.lib import crypto
from tongcheng.lib.masking import mask_phone
from tongcheng.lib.phone import last4, normalize_phone
from tongcheng.registry.identifiers import phone_hash

CALL_PHONE = "hotline.call_phone"
SECRET_CONTEXT = "hotline.platform_secret"  # noqa: S105 (a column context, no secret)


def call_phone_columns(raw: str) -> dict[str, str]:
    """The stored form of a call's number (PhoneError for a number that is none)."""
    number = normalize_phone(raw)
    return {
        "phone_enc": crypto.encrypt(number, context=CALL_PHONE),
        "phone_hash": phone_hash(number),
        "phone_last4": last4(number),
    }


def call_phone(encrypted: str) -> str:
    return crypto.decrypt(encrypted, context=CALL_PHONE)


def masked_call_phone(encrypted: str) -> str:
    return mask_phone(call_phone(encrypted))


def secret_enc(secret: str) -> str:
    return crypto.encrypt(secret, context=SECRET_CONTEXT)


def secret_of(encrypted: str) -> str:
    return crypto.decrypt(encrypted, context=SECRET_CONTEXT)
