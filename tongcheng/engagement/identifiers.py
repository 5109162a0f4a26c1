"""The representatives' codec for a resident without a file: the only code that knows how their
name, ethnicity and phone are stored.

Each value is encrypted with its own column context (a value cannot be moved to another
column); the phone also gets the ledger's keyed hash (registry.identifiers.phone_hash), so one
look-up finds a number's files, cases and appointments alike, and its last 4 digits. Pages show
the name masked in lists (in full on the appointment's own page and its letter, both audited)
and the phone always masked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from tongcheng.lib import crypto
from tongcheng.lib.masking import mask_name, mask_phone
from tongcheng.lib.phone import PhoneError, last4, normalize_phone
from tongcheng.registry.identifiers import decrypt as decrypt_file_field
from tongcheng.registry.identifiers import phone_hash

if TYPE_CHECKING:
    from tongcheng.engagement.models import Representative

CONTEXT = {
    "name": "representative.name",
    "ethnicity": "representative.ethnicity",
    "phone": "representative.phone",
}


def resident_columns(name: str, ethnicity: str, phone: str) -> dict[str, str]:
    """The stored form of a resident's name, ethnicity code and phone (ValidationError for a
    bad phone)."""
    try:
        number = normalize_phone(phone) if phone.strip() else ""
    except PhoneError as exc:
        raise ValidationError({"phone": exc.message}) from exc
    clean = name.strip()
    return {
        "name_enc": crypto.encrypt(clean, context=CONTEXT["name"]) if clean else "",
        "ethnicity_enc": crypto.encrypt(ethnicity, context=CONTEXT["ethnicity"])
        if ethnicity
        else "",
        "phone_enc": crypto.encrypt(number, context=CONTEXT["phone"]) if number else "",
        "phone_hash": phone_hash(number) if number else "",
        "phone_last4": last4(number) if number else "",
    }


def _clear(token: str, column: str) -> str:
    return crypto.decrypt(token, context=CONTEXT[column]) if token else ""


def identity(rep: Representative) -> tuple[str, str, str]:
    """The clear name, ethnicity code and phone: the file's, else the stored resident's."""
    if rep.person is not None:
        person = rep.person
        return person.name, person.ethnicity_id, decrypt_file_field(person, "phone")
    return (
        _clear(rep.name_enc, "name"),
        _clear(rep.ethnicity_enc, "ethnicity"),
        _clear(rep.phone_enc, "phone"),
    )


def full_name(rep: Representative) -> str:
    return identity(rep)[0]


def listed_name(rep: Representative) -> str:
    """The name as lists show it: in full for a file (the ledger shows it), else masked."""
    name = identity(rep)[0]
    return name if rep.person is not None else mask_name(name)


def masked_phone(rep: Representative) -> str:
    phone = identity(rep)[2]
    return mask_phone(phone) if phone else ""
