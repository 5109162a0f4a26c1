"""The case's codec for a caller without a file: the only code that knows how they are stored.

The name and phone are encrypted with their own column contexts (a value cannot be moved to a
file's column); the phone also gets the ledger's keyed hash (registry.identifiers.phone_hash),
so one look-up finds a caller's files and cases alike, and its last 4 digits (the public
progress page checks them). Shown masked everywhere except an audited reveal.

An attachment's bytes are sealed the same way (AES-GCM, FIELD_ENCRYPTION_KEY), bound to the case
and to the file's storage key (associated data): a file copied under another name, or to
another case, does not open.
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
    from tongcheng.cases.models import Case

CONTEXT = {"caller_name": "case.caller_name", "caller_phone": "case.caller_phone"}


def caller_columns(name: str, phone: str) -> dict[str, str]:
    """The stored form of a caller's name and phone (ValidationError for a bad phone)."""
    try:
        number = normalize_phone(phone) if phone.strip() else ""
    except PhoneError as exc:
        raise ValidationError({"caller_phone": exc.message}) from exc
    clean = name.strip()
    return {
        "caller_name_enc": crypto.encrypt(clean, context=CONTEXT["caller_name"]) if clean else "",
        "caller_phone_enc": crypto.encrypt(number, context=CONTEXT["caller_phone"])
        if number
        else "",
        "caller_phone_hash": phone_hash(number) if number else "",
        "caller_phone_last4": last4(number) if number else "",
    }


def contact(case: Case) -> tuple[str, str]:
    """The clear name and phone of the person the case serves: the file's, else the caller's."""
    if case.person is not None:
        return case.person.name, decrypt_file_field(case.person, "phone")
    name = crypto.decrypt(case.caller_name_enc, context=CONTEXT["caller_name"])
    phone = (
        crypto.decrypt(case.caller_phone_enc, context=CONTEXT["caller_phone"])
        if case.caller_phone_enc
        else ""
    )
    return name, phone


def masked_name(case: Case) -> str:
    """The name as lists show it (masked_contact's, without decrypting a phone nobody shows)."""
    return shown_name(case.person.name if case.person is not None else None, case.caller_name_enc)


def shown_name(person_name: str | None, caller_name_enc: str) -> str:
    """`masked_name` from plain values: the file's name (None for none), else the caller's."""
    if person_name is not None:
        return person_name
    return mask_name(crypto.decrypt(caller_name_enc, context=CONTEXT["caller_name"]))


def masked_contact(case: Case) -> tuple[str, str]:
    """The name and phone as pages show them: the name in full for a file (the ledger shows it)
    and masked for a caller without one; the phone always masked."""
    name, phone = contact(case)
    shown = name if case.person is not None else mask_name(name)
    return shown, mask_phone(phone) if phone else ""


def seal_attachment(content: bytes, *, case_id: int, key: str) -> bytes:
    """An attachment as it is stored on disk: encrypted, bound to its case and storage key."""
    return crypto.encrypt_bytes(content, context=f"case.attachment:{case_id}:{key}")


def open_attachment(sealed: bytes, *, case_id: int, key: str) -> bytes:
    """The clear bytes of a stored attachment (crypto.DecryptionError if it is not this one)."""
    return crypto.decrypt_bytes(sealed, context=f"case.attachment:{case_id}:{key}")
