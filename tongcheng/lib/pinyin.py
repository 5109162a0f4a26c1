"""Pinyin of personal and place names, for search by full pinyin and by initials.

pypinyin (NORMAL style: lowercase, no tones, ü written v) reads ordinary words well but not
surnames and place names, whose readings are fixed by custom: 单 is shan as a surname, 长 is
chang in 长治 and zhang in 长子. Its data loads on first use (~0.15 s), not at import, and
results for names are cached, because imports see the same names again and again.

Names written with `·` (transliterated Uyghur, Kazakh, Tibetan … names such as 买买提·艾力)
have no Chinese surname; their parts are read as they are and joined without separator.
Only characters with a reading count as Han characters; ASCII letters and digits in a name
are kept lowercase in the full pinyin; everything else is dropped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from tongcheng.lib.textnorm import MIDDLE_DOT, normalize_name, normalize_text

# Compound surnames, read as such only in names of 3 or more characters (in 单于 alone, 单 is
# more likely the surname and 于 the given name).
COMPOUND_SURNAMES: Mapping[str, tuple[str, str]] = {
    "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"), "长孙": ("zhang", "sun"),
    "令狐": ("ling", "hu"), "单于": ("chan", "yu"), "澹台": ("tan", "tai"),
    "欧阳": ("ou", "yang"), "上官": ("shang", "guan"), "皇甫": ("huang", "fu"),
    "司马": ("si", "ma"), "诸葛": ("zhu", "ge"), "东方": ("dong", "fang"),
    "夏侯": ("xia", "hou"), "公孙": ("gong", "sun"), "宇文": ("yu", "wen"),
    "慕容": ("mu", "rong"), "司徒": ("si", "tu"), "呼延": ("hu", "yan"),
    "赫连": ("he", "lian"), "独孤": ("du", "gu"), "南宫": ("nan", "gong"),
    "西门": ("xi", "men"), "申屠": ("shen", "tu"), "拓跋": ("tuo", "ba"),
    "轩辕": ("xuan", "yuan"), "濮阳": ("pu", "yang"), "淳于": ("chun", "yu"),
    "钟离": ("zhong", "li"), "宗政": ("zong", "zheng"), "乐正": ("yue", "zheng"),
    "司空": ("si", "kong"), "鲜于": ("xian", "yu"), "亓官": ("qi", "guan"),
    "端木": ("duan", "mu"), "左丘": ("zuo", "qiu"), "公冶": ("gong", "ye"),
    "太史": ("tai", "shi"), "闻人": ("wen", "ren"), "仲孙": ("zhong", "sun"),
}  # fmt: skip

# Single-character surnames whose surname reading differs from the everyday one (or that
# pypinyin might read otherwise in front of a given name).
SURNAMES: Mapping[str, str] = {
    "单": "shan", "曾": "zeng", "仇": "qiu", "解": "xie", "区": "ou", "查": "zha",
    "朴": "piao", "乐": "yue", "盖": "ge", "种": "chong", "员": "yun", "缪": "miao",
    "覃": "qin", "翟": "zhai", "繁": "po", "瞿": "qu", "宓": "mi", "召": "shao",
    "相": "xiang", "华": "hua", "任": "ren", "折": "she", "阚": "kan", "秘": "bi",
    "冼": "xian", "洗": "xian", "长": "chang", "重": "chong", "朝": "chao", "柏": "bai",
    "薄": "bo", "卜": "bu", "褚": "chu", "都": "du", "句": "gou", "纪": "ji", "能": "nai",
    "那": "na", "牟": "mou", "沈": "shen", "石": "shi", "殷": "yin", "叶": "ye",
    "费": "fei", "万": "wan", "行": "xing", "燕": "yan", "应": "ying", "臧": "zang",
    "藏": "zang", "车": "che", "尉": "wei", "隗": "wei", "逄": "pang", "谌": "chen",
    "粘": "nian", "佴": "nai", "厍": "she", "莘": "shen", "宿": "su", "曲": "qu",
    "卓": "zhuo", "盛": "sheng", "贲": "ben", "过": "guo", "郇": "huan", "祭": "zhai",
    "隽": "juan", "缑": "gou", "訾": "zi", "陆": "lu", "六": "lu", "乜": "nie",
    "宁": "ning", "尚": "shang", "郗": "xi", "亓": "qi", "贾": "jia", "雍": "yong",
    "和": "he",
}  # fmt: skip

# Place names whose readings differ from the everyday ones; the longest match wins.
PLACES: Mapping[str, tuple[str, ...]] = {
    "长治": ("chang", "zhi"), "长子": ("zhang", "zi"), "屯留": ("tun", "liu"),
    "潞": ("lu",), "六安": ("lu", "an"), "蚌埠": ("beng", "bu"), "长": ("chang",),
    "上党": ("shang", "dang"), "沁": ("qin",), "长垣": ("chang", "yuan"),
    "长葛": ("chang", "ge"), "长岭": ("chang", "ling"), "长清": ("chang", "qing"),
    "长丰": ("chang", "feng"), "长阳": ("chang", "yang"), "厦门": ("xia", "men"),
    "重庆": ("chong", "qing"), "乐亭": ("lao", "ting"), "番禺": ("pan", "yu"),
    "丽水": ("li", "shui"), "台州": ("tai", "zhou"), "天台": ("tian", "tai"),
    "铅山": ("yan", "shan"), "歙县": ("she", "xian"), "蔚县": ("yu", "xian"),
    "单县": ("shan", "xian"), "莘县": ("shen", "xian"), "涡阳": ("guo", "yang"),
    "洪洞": ("hong", "tong"), "繁峙": ("fan", "shi"), "乐清": ("yue", "qing"),
    "东阿": ("dong", "e"), "枞阳": ("zong", "yang"), "鄱阳": ("po", "yang"),
    "亳州": ("bo", "zhou"), "阆中": ("lang", "zhong"), "大埔": ("da", "bu"),
    "解州": ("xie", "zhou"), "隰县": ("xi", "xian"), "筠连": ("jun", "lian"),
    "犍为": ("qian", "wei"), "郫县": ("pi", "xian"), "瑷珲": ("ai", "hui"),
    "牟平": ("mu", "ping"), "贾汪": ("jia", "wang"), "会理": ("hui", "li"),
    "会泽": ("hui", "ze"), "会同": ("hui", "tong"), "尉氏": ("wei", "shi"),
    "黄陂": ("huang", "pi"), "那曲": ("na", "qu"), "曲阜": ("qu", "fu"),
    "曲沃": ("qu", "wo"), "大城": ("da", "cheng"), "长沙": ("chang", "sha"),
    "长春": ("chang", "chun"),
}  # fmt: skip
_PLACE_MAX = max(len(key) for key in PLACES)

_CACHE_SIZE = 1 << 16
Token = tuple[str, bool]  # (syllable or ASCII word, whether it came from a Han character)


@functools.cache
def _engine() -> tuple[Callable[[str], list[str]], frozenset[int]]:
    """pypinyin's reader and the code points it knows, loaded once on first use."""
    # Imported here on purpose, not at the top: loading pypinyin takes ~170 ms and ~50 MB, which
    # a process pays only once it first reads a name (most commands and requests never do).
    from pypinyin import Style, lazy_pinyin
    from pypinyin.constants import PINYIN_DICT

    def read(text: str) -> list[str]:
        return lazy_pinyin(text, style=Style.NORMAL, errors="ignore")

    return read, frozenset(PINYIN_DICT)


def _ascii(syllable: str) -> str:
    return "".join(char for char in syllable if "a" <= char <= "z")


@functools.cache
def _phrases() -> frozenset[str]:
    """pypinyin's phrases (the only source of readings that depend on the neighbours)."""
    # Imported on first use, like _engine's.
    from pypinyin.constants import PHRASES_DICT

    return frozenset(PHRASES_DICT)


# Each character's reading on its own, filled on first sight from pypinyin itself.
_CHAR_READINGS: dict[str, str] = {}


def _char_reading(char: str) -> str:
    reading = _CHAR_READINGS.get(char)
    if reading is None:
        read, _known = _engine()
        syllables = read(char)
        reading = _CHAR_READINGS[char] = _ascii(syllables[0]) if len(syllables) == 1 else ""
    return reading


def _has_phrase(run: str) -> bool:
    phrases = _phrases()
    size = len(run)
    return any(
        run[start:end] in phrases for start in range(size - 1) for end in range(start + 2, size + 1)
    )


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _syllables(run: str) -> tuple[str, ...]:
    """The syllables of a run of Han characters, one per character. Cached: given names
    (the run after the surname) repeat far more often than whole names.

    Without a phrase of pypinyin's inside, a run reads character by character, so the
    per-character readings serve (a dictionary lookup each instead of pypinyin's segmenter);
    with one, pypinyin reads the run."""
    if len(run) > 1 and not _has_phrase(run):
        readings = tuple(_char_reading(char) for char in run)
        if all(readings):
            return readings
    read, _known = _engine()
    return tuple(_ascii(syllable) for syllable in read(run))


def _read(run: str, out: list[Token]) -> None:
    out.extend((syllable, True) for syllable in _syllables(run))


def _tokens(text: str, overrides: Callable[[str, int], tuple[int, tuple[str, ...]]]) -> list[Token]:
    """Split text into Han syllables and ASCII words; `overrides(text, i)` may claim characters."""
    _read_fn, known = _engine()
    out: list[Token] = []
    run_start = -1
    word = ""
    index = 0
    while index < len(text):
        char = text[index]
        if ord(char) in known:
            if word:
                out.append((word, False))
                word = ""
            length, syllables = overrides(text, index)
            if length:
                if run_start >= 0:
                    _read(text[run_start:index], out)
                    run_start = -1
                out.extend((syllable, True) for syllable in syllables)
                index += length
                continue
            if run_start < 0:
                run_start = index
        else:
            if run_start >= 0:
                _read(text[run_start:index], out)
                run_start = -1
            if char.isascii() and char.isalnum():
                word += char.lower()
            elif word:
                out.append((word, False))
                word = ""
        index += 1
    if run_start >= 0:
        _read(text[run_start:], out)
    if word:
        out.append((word, False))
    return out


# Given-name characters whose reading in names is settled although pypinyin's phrase rules
# pick another (长霞 is changxia, not zhangxia).
GIVEN_NAME_READINGS: Mapping[str, str] = {"长": "chang"}


def _given_name_override(text: str, index: int) -> tuple[int, tuple[str, ...]]:
    reading = GIVEN_NAME_READINGS.get(text[index])
    return (1, (reading,)) if reading else (0, ())


def _surname_override(text: str, index: int) -> tuple[int, tuple[str, ...]]:
    if index != 0:
        return _given_name_override(text, index)
    if len(text) >= 3 and text[:2] in COMPOUND_SURNAMES:
        return 2, COMPOUND_SURNAMES[text[:2]]
    if text[0] in SURNAMES:
        return 1, (SURNAMES[text[0]],)
    # Any other first character is read alone too: a surname does not form a word with the
    # given name, and the given name alone is what repeats (and is cached) across names.
    return 1, _syllables(text[0])


def _place_override(text: str, index: int) -> tuple[int, tuple[str, ...]]:
    for length in range(min(_PLACE_MAX, len(text) - index), 0, -1):
        syllables = PLACES.get(text[index : index + length])
        if syllables is not None:
            return length, syllables
    return 0, ()


def _plain_name(name: str) -> tuple[Token, ...] | None:
    """The tokens of a name of Han characters only, with an ordinary one-character surname
    and no given-name override: what _tokens gives for it, in a few lookups. None otherwise."""
    _read_fn, known = _engine()
    if len(name) < 2 or not all(ord(char) in known for char in name):
        return None
    rest = name[1:]
    if (len(name) >= 3 and name[:2] in COMPOUND_SURNAMES) or any(
        char in GIVEN_NAME_READINGS for char in rest
    ):
        return None
    surname = SURNAMES.get(name[0])
    first = (surname,) if surname else _syllables(name[0])
    return tuple((syllable, True) for syllable in (*first, *_syllables(rest)))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _name_parts(name: str) -> tuple[tuple[Token, ...], ...]:
    """The tokens of each `·`-separated part of a normalised name."""
    plain = _plain_name(name)
    if plain is not None:
        return (plain,)
    parts = [part for part in name.split(MIDDLE_DOT) if part]
    if len(parts) > 1:
        return tuple(tuple(_tokens(part, _given_name_override)) for part in parts)
    return (tuple(_tokens(name, _surname_override)),)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _parts(name: str) -> tuple[tuple[Token, ...], ...]:
    # Cached on the name as given too: name_pinyin and name_initials of one name normalise once.
    return _name_parts(normalize_name(name))


def _full(tokens: tuple[Token, ...] | list[Token]) -> str:
    return "".join(text for text, _han in tokens)


def _initials(tokens: tuple[Token, ...] | list[Token]) -> str:
    return "".join(text[:1] for text, han in tokens if han)


def name_pinyin(name: str) -> str:
    """Full lowercase pinyin without spaces or tones: 单小明 → shanxiaoming."""
    return "".join(_full(part) for part in _parts(name))


def name_initials(name: str) -> str:
    """One letter per Han character: 单小明 → sxm, 买买提·艾力 → mmtal."""
    return "".join(_initials(part) for part in _parts(name))


def name_search_keys(name: str) -> set[str]:
    """The pinyin keys to index for a name: full pinyin and initials of the whole name, and
    of each part of a `·` name (so 艾力 alone finds 买买提·艾力). Empty keys are left out."""
    parts = _parts(name)
    keys = {"".join(_full(part) for part in parts), "".join(_initials(part) for part in parts)}
    if len(parts) > 1:
        for part in parts:
            keys.add(_full(part))
            keys.add(_initials(part))
    keys.discard("")
    return keys


@functools.lru_cache(maxsize=4096)
def place_pinyin(name: str, sep: str = "") -> str:
    """Pinyin of a place name with the customary readings: 长治 changzhi, 长子县 zhangzixian."""
    return sep.join(text for text, _han in _tokens(normalize_text(name), _place_override))


def place_initials(name: str) -> str:
    return "".join(text[:1] for text, han in _tokens(normalize_text(name), _place_override) if han)
