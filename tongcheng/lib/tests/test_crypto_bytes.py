"""Encryption of whole files (an upload): as bytes, bound to their context, tamper-evident."""

from __future__ import annotations

import os

import pytest

from tongcheng.lib.crypto import DecryptionError, decrypt_bytes, encrypt_bytes


def test_it_encrypts_bytes_without_growing_them_much() -> None:
    data = b"PK\x03\x04" + os.urandom(100_000)
    sealed = encrypt_bytes(data, context="import.content:7")
    assert data[:1000] not in sealed
    assert len(sealed) == len(data) + len(b"v1:aesgcm:") + 12 + 16  # nonce and tag only
    assert decrypt_bytes(sealed, context="import.content:7") == data
    assert encrypt_bytes(data, context="import.content:7") != sealed  # a fresh nonce each time


def test_it_refuses_another_context_a_changed_byte_and_an_unknown_scheme() -> None:
    sealed = encrypt_bytes(b"622924198506010019", context="import.content:7")
    with pytest.raises(DecryptionError):
        decrypt_bytes(sealed, context="import.content:8")
    changed = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(DecryptionError):
        decrypt_bytes(changed, context="import.content:7")
    with pytest.raises(DecryptionError):
        decrypt_bytes(b"PK\x03\x04 clear", context="import.content:7")
