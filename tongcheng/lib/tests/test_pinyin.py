"""Pinyin of names and places: surname and place readings, `·` names, search keys."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypinyin.constants import PINYIN_DICT

from tongcheng.lib import pinyin as pinyin_module
from tongcheng.lib.pinyin import (
    name_initials,
    name_pinyin,
    name_search_keys,
    place_initials,
    place_pinyin,
)

# Han characters with a reading (the basic block; a few code points there have none).
HAN = st.sampled_from([chr(c) for c in range(0x4E00, 0x9FA6) if c in PINYIN_DICT])
HAN_NAMES = st.text(alphabet=HAN, min_size=1, max_size=6)


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("单小明", "shanxiaoming", "sxm"),
        ("曾国藩", "zengguofan", "zgf"),
        ("仇英", "qiuying", "qy"),
        ("解缙", "xiejin", "xj"),
        ("区明", "ouming", "om"),
        ("查良镛", "zhaliangyong", "zly"),
        ("朴树", "piaoshu", "ps"),
        ("乐进", "yuejin", "yj"),
        ("盖聂", "genie", "gn"),
        ("种师道", "chongshidao", "csd"),
        ("员半千", "yunbanqian", "ybq"),
        ("缪斯", "miaosi", "ms"),
        ("覃红", "qinhong", "qh"),
        ("翟天临", "zhaitianlin", "ztl"),
        ("繁钦", "poqin", "pq"),
        ("瞿秋白", "quqiubai", "qqb"),
        ("宓妃", "mifei", "mf"),
        ("召忽", "shaohu", "sh"),
        ("相国", "xiangguo", "xg"),
        ("华佗", "huatuo", "ht"),
        ("任长霞", "renchangxia", "rcx"),
        ("折克行", "shekexing", "skx"),
        ("阚泽", "kanze", "kz"),
        ("秘书", "bishu", "bs"),
        ("冼星海", "xianxinghai", "xxh"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("万俟卨", "moqixie", "mqx"),
        ("长孙无忌", "zhangsunwuji", "zswj"),
        ("令狐冲", "linghuchong", "lhc"),
        ("欧阳娜娜", "ouyangnana", "oynn"),
        ("吕布", "lvbu", "lb"),
        ("马晓梅", "maxiaomei", "mxm"),
    ],
)
def test_it_reads_surnames_as_surnames(name: str, full: str, initials: str) -> None:
    assert name_pinyin(name) == full
    assert name_initials(name) == initials


def test_it_reads_a_compound_surname_only_in_longer_names() -> None:
    # In a 2-character name the first character is the surname and the second the given name.
    assert name_pinyin("单于") == "shanyu"
    assert name_pinyin("单于飞") == "chanyufei"


def test_it_reads_dotted_names_part_by_part() -> None:
    assert name_pinyin("买买提·艾力") == "maimaitiaili"
    assert name_initials("买买提·艾力") == "mmtal"
    assert name_pinyin("买买提・艾力") == "maimaitiaili"
    assert name_pinyin("买买提 . 艾力") == "maimaitiaili"
    assert name_search_keys("买买提·艾力") == {
        "maimaitiaili",
        "mmtal",
        "maimaiti",
        "mmt",
        "aili",
        "al",
    }
    # A part that happens to start with a surname character is not read as a surname.
    assert name_pinyin("阿依古丽·单") == "ayigulidan"


def test_it_keeps_latin_letters_and_drops_other_signs() -> None:
    assert name_pinyin("张 三") == "zhangsan"
    assert name_pinyin("Anna李") == "annali"
    assert name_initials("Anna李") == "l"
    assert name_pinyin("（张三）") == "zhangsan"
    assert name_pinyin("") == ""
    assert name_search_keys("") == set()


@pytest.mark.parametrize(
    ("place", "full"),
    [
        ("长治", "changzhi"),
        ("长治市", "changzhishi"),
        ("长子县", "zhangzixian"),
        ("屯留区", "tunliuqu"),
        ("潞城区", "luchengqu"),
        ("潞州区", "luzhouqu"),
        ("上党区", "shangdangqu"),
        ("六安", "luan"),
        ("蚌埠", "bengbu"),
        ("重庆", "chongqing"),
        ("厦门", "xiamen"),
        ("长治市潞州区东街街道和平社区", "changzhishiluzhouqudongjiejiedaohepingshequ"),
    ],
)
def test_it_reads_place_names_as_places(place: str, full: str) -> None:
    assert place_pinyin(place) == full


def test_it_separates_place_syllables_on_request() -> None:
    assert place_pinyin("长治", sep=" ") == "chang zhi"
    assert place_pinyin("长子", sep=" ") == "zhang zi"
    assert place_initials("长治市") == "czs"


@given(HAN_NAMES)
def test_it_gives_ascii_lowercase_deterministically(name: str) -> None:
    full = name_pinyin(name)
    assert full.isascii() and full.isalpha() and full == full.lower()
    assert name_pinyin(name) == full
    assert name_initials(name) == name_initials(name)


@given(HAN_NAMES)
def test_it_gives_one_initial_per_han_character(name: str) -> None:
    initials = name_initials(name)
    assert len(initials) == len(name)
    assert name_pinyin(name).startswith(initials[0])


@given(st.lists(HAN_NAMES, min_size=2, max_size=3))
def test_it_indexes_every_part_of_a_dotted_name(parts: list[str]) -> None:
    name = "·".join(parts)
    keys = name_search_keys(name)
    assert name_pinyin(name) in keys
    assert name_initials(name) in keys
    # Each part is indexed as it is read inside the dotted name (no surname rule there, and
    # phrase readings such as 黄陂 huangpi), which can differ from the part read as a name alone.
    read_parts = pinyin_module._parts(name)
    assert len(read_parts) == len(parts)
    for tokens in read_parts:
        assert pinyin_module._full(tokens) in keys
        assert pinyin_module._initials(tokens) in keys
    assert all(key.isascii() and key.islower() for key in keys)
    assert len(name_initials(name)) == sum(len(part) for part in parts)


@given(st.text(max_size=12))
def test_it_never_fails_and_stays_ascii_on_any_text(name: str) -> None:
    for key in name_search_keys(name) | {name_pinyin(name), place_pinyin(name)}:
        assert key.isascii()
        assert key == key.lower()


def _pypinyin_syllables(run: str) -> tuple[str, ...]:
    """What _syllables returned before its per-character fast path: pypinyin on the run."""
    from pypinyin import Style, lazy_pinyin

    return tuple(
        pinyin_module._ascii(s) for s in lazy_pinyin(run, style=Style.NORMAL, errors="ignore")
    )


def _generated_names(count: int) -> list[str]:
    """Names as ledgers hold them: common, heteronym and override surnames, compound surnames,
    given names from a wide pool (heteronyms such as 长 乐 重 行 朝 曾 单 included), `·` names,
    and a few with Latin letters or digits."""
    import random

    rng = random.Random(20240305)
    surnames = "马白丁杨李王张刘海穆沙冶哈韩周陈赵黄吴徐孙胡朱高林何郭罗梁宋郑谢"
    surnames += "".join(pinyin_module.SURNAMES)
    compounds = list(pinyin_module.COMPOUND_SURNAMES)
    given = "晓梅建国玉兰海燕文明小平春花秋菊志强永福金凤秀英德胜忠义成龙桂兰红霞学军丽娟振华"
    given += "长乐重行朝曾单解查区会传都和了得着地的大小中为于那把还好少数调便降乘差"
    common = [chr(c) for c in range(0x4E00, 0x9FA6) if c in PINYIN_DICT]
    names = []
    for n in range(count):
        pool = given if n % 4 else "".join(rng.choice(common) for _ in range(40))
        head = rng.choice(compounds) if n % 25 == 0 else rng.choice(surnames)
        name = head + "".join(rng.choice(pool) for _ in range(rng.randint(0, 3)))
        if n % 40 == 1:
            name = "·".join(
                "".join(rng.choice(common) for _ in range(rng.randint(1, 4))) for _ in range(2)
            )
        elif n % 97 == 2:
            name += "A1"
        names.append(name)
    return names


def test_it_reads_names_as_before_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-character table and the plain-name path change no output: every generated name
    reads exactly as with pypinyin on each run and the general tokenizer."""
    names = _generated_names(4000)
    pinyin_module._parts.cache_clear()
    pinyin_module._name_parts.cache_clear()
    pinyin_module._syllables.cache_clear()
    fast = [(name_pinyin(n), name_initials(n), name_search_keys(n)) for n in names]
    monkeypatch.setattr(pinyin_module, "_syllables", _pypinyin_syllables)
    monkeypatch.setattr(pinyin_module, "_plain_name", lambda name: None)
    pinyin_module._parts.cache_clear()
    pinyin_module._name_parts.cache_clear()
    slow = [(name_pinyin(n), name_initials(n), name_search_keys(n)) for n in names]
    pinyin_module._parts.cache_clear()
    pinyin_module._name_parts.cache_clear()
    assert fast == slow
