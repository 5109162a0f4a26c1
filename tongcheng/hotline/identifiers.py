"""The hotline's codec: a call's number, a platform's HMAC secret, a ticket waiting for its case.

A call's number is kept as the ledger keeps a phone (encrypted with its column's context, the
ledger's keyed hash for the screen pop, its last 4 digits); the platform's secret is encrypted
and read only to check or make a signature. A ticket's fields (the caller's name and number
among them) are kept encrypted, as one JSON document, between the webhook and the task that
opens the case; the case then keeps them as cases keep a caller.
"""

from __future__ import annotations

import json
from typing import Any

from tongcheng.lib import crypto
from tongcheng.lib.masking import mask_phone
from tongcheng.lib.phone import last4, normalize_phone
from tongcheng.registry.identifiers import phone_hash

CALL_PHONE = "hotline.call_phone"
SECRET_CONTEXT = "hotline.platform_secret"  # noqa: S105 (a column context, no secret)
TICKET_CONTEXT = "hotline.ticket_fields"


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


def ticket_fields_enc(fields: dict[str, Any]) -> str:
    return crypto.encrypt(json.dumps(fields, ensure_ascii=False), context=TICKET_CONTEXT)


def ticket_fields(encrypted: str) -> dict[str, Any]:
    fields: dict[str, Any] = json.loads(crypto.decrypt(encrypted, context=TICKET_CONTEXT))
    return fields
