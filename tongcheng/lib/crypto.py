"""Field encryption and keyed hashes for personal data.

AES-256-GCM with a random 96-bit nonce; the stored token names its algorithm and key version
(`v1:aesgcm:<base64>`) so that a later SM4 or a rotated key can sit beside old values. Keys come
from the environment (settings.FIELD_ENCRYPTION_KEY, settings.HASH_KEY), never the database.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_PREFIX = "v1:aesgcm:"


class DecryptionError(ValueError):
    pass


def _key(value: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise ValueError(f"{name} must be base64") from exc
    if len(raw) != 32:
        raise ValueError(f"{name} must decode to 32 bytes")
    return raw


@functools.lru_cache(maxsize=4)
def _cipher(key_b64: str) -> AESGCM:
    # Setting up the key schedule once per key, not per value: imports and exports handle
    # hundreds of thousands of values. Keyed by the key itself, so a changed setting is used.
    return AESGCM(_key(key_b64, "FIELD_ENCRYPTION_KEY"))


@functools.lru_cache(maxsize=4)
def _hash_key(key_b64: str) -> bytes:
    return _key(key_b64, "HASH_KEY")


def encrypt(plaintext: str, *, context: str = "") -> str:
    """Encrypt text; `context` (e.g. "person.id_number") is bound as associated data."""
    nonce = os.urandom(12)
    sealed = _cipher(settings.FIELD_ENCRYPTION_KEY).encrypt(
        nonce, plaintext.encode(), context.encode()
    )
    return _PREFIX + binascii.b2a_base64(nonce + sealed, newline=False).decode("ascii")


def decrypt(token: str, *, context: str = "") -> str:
    if not token.startswith(_PREFIX):
        raise DecryptionError("unknown encryption scheme")
    blob = base64.b64decode(token[len(_PREFIX) :])
    try:
        plain = _cipher(settings.FIELD_ENCRYPTION_KEY).decrypt(
            blob[:12], blob[12:], context.encode()
        )
    except Exception as exc:  # cryptography raises InvalidTag
        raise DecryptionError("ciphertext does not authenticate") from exc
    return plain.decode()


_BYTES_PREFIX = b"v1:aesgcm:"


def encrypt_bytes(data: bytes, *, context: str = "") -> bytes:
    """Encrypt a file's bytes as they are (an upload of up to 50 MB: no base64 text)."""
    nonce = os.urandom(12)
    sealed = _cipher(settings.FIELD_ENCRYPTION_KEY).encrypt(nonce, data, context.encode())
    return _BYTES_PREFIX + nonce + sealed


def decrypt_bytes(blob: bytes, *, context: str = "") -> bytes:
    if not blob.startswith(_BYTES_PREFIX):
        raise DecryptionError("unknown encryption scheme")
    body = blob[len(_BYTES_PREFIX) :]
    try:
        return _cipher(settings.FIELD_ENCRYPTION_KEY).decrypt(
            body[:12], body[12:], context.encode()
        )
    except Exception as exc:  # cryptography raises InvalidTag
        raise DecryptionError("ciphertext does not authenticate") from exc


def keyed_hash(value: str, *, context: str = "") -> str:
    """HMAC-SHA256 of a normalised value, for exact lookups of encrypted fields."""
    key = _hash_key(settings.HASH_KEY)
    # hmac.digest: OpenSSL's one-shot HMAC, several times faster than an hmac.new object.
    return hmac.digest(key, f"{context}\x00{value}".encode(), hashlib.sha256).hex()
