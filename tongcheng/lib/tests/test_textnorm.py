"""Text clean-up for ledger cells: full-width, middle dots, spaces, digits."""

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from tongcheng.lib.textnorm import (
    MIDDLE_DOT,
    FieldError,
    Problem,
    normalize_digits,
    normalize_name,
    normalize_text,
)

PRINTABLE_ASCII = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E))


def to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in text)


@given(st.text())
def test_it_is_idempotent(value: str) -> None:
    once = normalize_text(value)
    assert normalize_text(once) == once
    name = normalize_name(value)
    assert normalize_name(name) == name
    digits = normalize_digits(value)
    assert normalize_digits(digits) == digits


@given(st.text())
def test_it_leaves_no_outer_or_double_spaces(value: str) -> None:
    out = normalize_text(value)
    assert out == out.strip()
    assert "  " not in out
    assert "\u3000" not in out
    assert "\u200b" not in out


@given(PRINTABLE_ASCII)
def test_it_turns_full_width_ascii_into_half_width(value: str) -> None:
    assert normalize_text(to_full_width(value)) == normalize_text(value)


def test_it_keeps_chinese_punctuation_and_unifies_middle_dots() -> None:
    for dot in "\u30fb\u2027\u2022\uff65\u00b7\u2219\u22c5":
        assert normalize_text(f"买买提{dot}艾力") == f"买买提{MIDDLE_DOT}艾力"
    assert normalize_text("张三、李四。《台账》") == "张三、李四。《台账》"


def test_it_cleans_typical_cells() -> None:
    assert normalize_text("\u3000ＡＢＣ１２３\u3000") == "ABC123"
    assert normalize_text(" 长治市\n潞州区\t 东街 ") == "长治市 潞州区 东街"
    assert normalize_text("和平\u200b社区\ufeff") == "和平社区"
    assert normalize_text("") == ""


def test_it_cleans_names() -> None:
    assert normalize_name("张  三") == "张三"
    assert normalize_name("张\u3000三") == "张三"
    assert normalize_name("买买提 . 艾力") == "买买提·艾力"
    assert normalize_name("买买提．艾力") == "买买提·艾力"
    assert normalize_name("·买买提・艾力·") == "买买提·艾力"
    assert normalize_name("Anna  Maria") == "Anna Maria"
    assert normalize_name("J. Smith") == "J. Smith"


def test_it_cleans_digits() -> None:
    assert normalize_digits("１４０４ 03-19９0\u3000０１０１ 123x") == "14040319900101123X"
    assert normalize_digits("138-1234-1234") == "13812341234"
    assert normalize_digits("'140403199001011234") == "140403199001011234"
    assert normalize_digits("９１１４ａｂ") == "9114AB"


@given(st.text(alphabet="0123456789xX -\u3000\u2014"))
def test_it_leaves_only_digits_and_capital_x(value: str) -> None:
    assert set(normalize_digits(value)) <= set("0123456789X")


def test_it_carries_a_code_and_a_message() -> None:
    error = FieldError("length", "It has %(count)d characters.", count=17)
    assert error.code == "length"
    assert error.message == "It has 17 characters."
    assert str(error) == "It has 17 characters."
    assert isinstance(error, ValueError)
    assert Problem("x", "plain").message == "plain"
    with translation.override("zh-hans"):
        assert error.message
