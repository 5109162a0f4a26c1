"""Field encryption (AES-256-GCM) and keyed hashes."""

import base64

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from tongcheng.lib import crypto

OTHER_KEY = base64.b64encode(b"k" * 32).decode()


@given(plain=st.text(), context=st.text(max_size=40))
def test_it_round_trips_any_text(plain: str, context: str) -> None:
    token = crypto.encrypt(plain, context=context)
    assert token.startswith("v1:aesgcm:")
    assert crypto.decrypt(token, context=context) == plain


def test_it_round_trips_chinese_and_uyghur_names() -> None:
    for plain in ["马晓梅", "阿不都热依木·买买提", "140403199001011234", ""]:
        assert (
            crypto.decrypt(crypto.encrypt(plain, context="person.name"), context="person.name")
            == plain
        )


def test_it_uses_a_fresh_nonce_every_time() -> None:
    assert crypto.encrypt("同城", context="c") != crypto.encrypt("同城", context="c")


def test_it_does_not_show_the_plaintext_in_the_token() -> None:
    token = crypto.encrypt("13812341234", context="person.phone")
    assert "13812341234" not in token
    assert b"13812341234" not in base64.b64decode(token.removeprefix("v1:aesgcm:"))


def test_it_refuses_the_wrong_context() -> None:
    token = crypto.encrypt("140403199001011234", context="person.id_number")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="person.phone")


def test_it_refuses_a_tampered_token() -> None:
    token = crypto.encrypt("同一城市同一待遇", context="c")
    blob = bytearray(base64.b64decode(token.removeprefix("v1:aesgcm:")))
    blob[-1] ^= 0x01
    tampered = "v1:aesgcm:" + base64.b64encode(bytes(blob)).decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered, context="c")


def test_it_refuses_an_unknown_scheme() -> None:
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("v9:sm4:AAAA", context="c")


def test_it_refuses_another_key() -> None:
    token = crypto.encrypt("同城", context="c")
    with override_settings(FIELD_ENCRYPTION_KEY=OTHER_KEY), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="c")


def test_it_refuses_a_key_of_the_wrong_length() -> None:
    short = base64.b64encode(b"short").decode()
    with override_settings(FIELD_ENCRYPTION_KEY=short), pytest.raises(ValueError, match="32 bytes"):
        crypto.encrypt("x")


def test_it_hashes_deterministically() -> None:
    one = crypto.keyed_hash("140403199001011234", context="person.id_number")
    assert one == crypto.keyed_hash("140403199001011234", context="person.id_number")
    assert len(one) == 64
    assert "140403199001011234" not in one


def test_it_hashes_differently_per_context_and_value() -> None:
    base = crypto.keyed_hash("13812341234", context="person.phone")
    assert base != crypto.keyed_hash("13812341234", context="person.id_number")
    assert base != crypto.keyed_hash("13812341235", context="person.phone")


def test_it_hashes_differently_with_another_key() -> None:
    base = crypto.keyed_hash("13812341234", context="person.phone")
    with override_settings(HASH_KEY=OTHER_KEY):
        assert crypto.keyed_hash("13812341234", context="person.phone") != base


@given(value=st.text(), context=st.text(max_size=20))
def test_it_always_gives_64_hex_digits(value: str, context: str) -> None:
    digest = crypto.keyed_hash(value, context=context)
    assert len(digest) == 64
    int(digest, 16)
