"""text_problem: the one check of every free-text field's characters and length."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongcheng.lib.textnorm import MAX_COMBINING_RUN, TEXT_CODES, text_problem


def code(value: str, limit: int = 64) -> str | None:
    problem = text_problem(value, max_length=limit)
    return None if problem is None else problem.code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("马晓梅", None),
        ("买买提·艾力", None),
        ("Anna Maria", None),
        ("ئەخمەت", None),
        ("བསྒྲུབས", None),  # Tibetan: subjoined letters and a vowel sign on one letter
        ("Nguyễn", None),
        ("line one\nline two\ttab", None),
        ("  padded  ", None),
        ("a\x00b", "control_character"),
        ("a\x07b", "control_character"),
        ("a\x1bb", "control_character"),
        ("a\x9bb", "control_character"),
        ("a\ud800b", "surrogate"),
        ("\udfff", "surrogate"),
        ("abc\u202edcba", "bidi_control"),
        ("\u202a", "bidi_control"),
        ("\u2069", "bidi_control"),
        ("e" + "\u0301" * MAX_COMBINING_RUN, None),
        ("e" + "\u0301" * (MAX_COMBINING_RUN + 1), "stacked_marks"),
        ("马" + "\u3099" * (MAX_COMBINING_RUN + 1), "stacked_marks"),
        ("x" * 64, None),
        ("x" * 65, "too_long"),
        (" " + "x" * 64 + " ", None),
    ],
)
def test_it_finds_what_no_field_takes(value: str, expected: str | None) -> None:
    assert code(value) == expected


def test_it_names_the_limit_and_the_length() -> None:
    problem = text_problem("x" * 70, max_length=64)
    assert problem is not None and problem.params == {"limit": 64, "length": 70}


@given(st.text(max_size=40))
def test_it_answers_only_its_own_codes_and_agrees_with_unicode(value: str) -> None:
    found = code(value, limit=1000)
    assert found is None or found in TEXT_CODES
    stripped = value.strip()
    control = any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r" for c in stripped)
    bidi = any("\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069" for c in stripped)
    run = longest = 0
    for c in stripped:
        run = run + 1 if unicodedata.category(c) in ("Mn", "Me") else 0
        longest = max(longest, run)
    assert (found is not None) == (control or bidi or longest > MAX_COMBINING_RUN)
