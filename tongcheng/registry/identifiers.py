"""The identifier codec: the only code that knows how a file's identifiers are stored.

The ID number, phone, exact address and permit number are encrypted (tongcheng.lib.crypto,
AES-256-GCM with the column's name as associated data, so a value cannot be moved to another
column); the ID number and phone also get a keyed hash (exact look-up) and their last 4
characters (suffix search). Every write, search, display and export goes through these
functions: one way to encrypt, one way to hash, one way to decrypt, one way to mask.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tongcheng.lib import crypto
from tongcheng.lib.masking import mask_id_number, mask_phone
from tongcheng.lib.phone import last4 as phone_last4

if TYPE_CHECKING:
    from tongcheng.registry.models import Person

# Associated data for each encrypted column: a value cannot be moved to another column.
CONTEXT = {
    "id_number": "person.id_number",
    "phone": "person.phone",
    "address": "person.address",
    "permit_number": "person.permit_number",
}
# The keyed hash of the last 4 characters searched (audit only: the suffix columns are clear).
LAST4_CONTEXT = "person.last4"
# The encrypted fields of a file, by the name forms and history use.
ENCRYPTED_FIELDS = tuple(CONTEXT)


def id_number_hash(id_number: str) -> str:
    """The keyed hash of a normalised ID number (the exact look-up of the ledger)."""
    return crypto.keyed_hash(id_number, context=CONTEXT["id_number"])


def phone_hash(phone: str) -> str:
    """The keyed hash of a normalised phone number."""
    return crypto.keyed_hash(phone, context=CONTEXT["phone"])


def last4_hash(last4: str) -> str:
    """The keyed hash of 4 searched characters (ID number or phone), for the look-up's audit
    event: an auditor hashes a number's last 4 the same way to find who searched for them."""
    return crypto.keyed_hash(last4.upper(), context=LAST4_CONTEXT)


def identifier_columns(
    *,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    permit_number: str = "",
    id_hash: str = "",
    phone_hashed: str = "",
) -> dict[str, str]:
    """Encrypted values, keyed hashes and last-4 suffixes for already-normalised identifiers.

    `id_hash`, `phone_hashed`: the keyed hashes when the caller has them already (the import).
    """

    def encrypted(field: str, value: str) -> str:
        return crypto.encrypt(value, context=CONTEXT[field]) if value else ""

    return {
        "id_number_enc": encrypted("id_number", id_number),
        "id_number_hash": (id_hash or id_number_hash(id_number)) if id_number else "",
        "id_number_last4": id_number[-4:],
        "phone_enc": encrypted("phone", phone),
        "phone_hash": (phone_hashed or phone_hash(phone)) if phone else "",
        "phone_last4": phone_last4(phone) if phone else "",
        "address_enc": encrypted("address", address),
        "permit_number_enc": encrypted("permit_number", permit_number),
    }


def decryptor(field: str) -> Callable[[str], str]:
    """Clear text of one encrypted column's tokens ("" stays ""), for rows read in bulk."""
    context = CONTEXT[field]

    def decrypt(token: str) -> str:
        return crypto.decrypt(token, context=context) if token else ""

    return decrypt


def seal_upload(content: bytes, *, job_id: int) -> bytes:
    """An uploaded ledger as it is stored: encrypted, bound to its import job (associated
    data), so that a copied blob cannot be opened as another job's upload."""
    return crypto.encrypt_bytes(content, context=f"import.content:{job_id}")


def open_upload(sealed: bytes, *, job_id: int) -> bytes:
    """The clear bytes of a stored upload (crypto.DecryptionError if it is not the job's)."""
    return crypto.decrypt_bytes(sealed, context=f"import.content:{job_id}")


def decrypt(person: Person, field: str) -> str:
    """The clear value of an encrypted field. Callers show it masked unless revealed."""
    return decryptor(field)(getattr(person, f"{field}_enc"))


def masked(person: Person) -> dict[str, str]:
    """The ID number and phone as every page, list and API answer shows them."""
    id_number = decrypt(person, "id_number")
    phone = decrypt(person, "phone")
    return {
        "id_number": mask_id_number(id_number) if id_number else "",
        "phone": mask_phone(phone) if phone else "",
    }


def masker(field: str) -> Callable[[str], str]:
    """The mask of one identifier's clear value (bulk rows: the export)."""
    return {"id_number": mask_id_number, "phone": mask_phone}[field]
