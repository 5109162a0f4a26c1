"""Household members written into one cell of a ledger: 子：马小明，2016年9月生；女：马小红，2018.3.

A cell is read as members only when all of it is: each part (split at ；;。 or a line break) is an
optional relation word (子, 女儿, 妻, 父亲, …) with an optional colon, a name of 2 to 4 Chinese
characters (or a transliterated name with ·), and an optional birth year and month (day
allowed), 生 or 出生 after it. Anything else is kept as the file's note, and the import warns.
A member without a relation word counts as a child: the columns that hold them are 随迁子女 and
the like.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from tongcheng.lib.textnorm import normalize_text

_RELATIONS = {
    "子": "child", "儿子": "child", "长子": "child", "次子": "child", "女": "child",
    "女儿": "child", "长女": "child", "次女": "child", "子女": "child",
    "妻": "spouse", "妻子": "spouse", "夫": "spouse", "丈夫": "spouse", "配偶": "spouse",
    "父": "parent", "父亲": "parent", "母": "parent", "母亲": "parent",
    "兄": "sibling", "弟": "sibling", "姐": "sibling", "妹": "sibling", "哥哥": "sibling",
    "弟弟": "sibling", "姐姐": "sibling", "妹妹": "sibling",
}  # fmt: skip
_RELATION = "|".join(sorted(_RELATIONS, key=len, reverse=True))
_PART = re.compile(
    rf"(?:(?P<relation>{_RELATION})\s*[:：]?\s*)?"
    r"(?P<name>[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}·[\u4e00-\u9fff]{1,8})"
    r"(?:\s*[,，、\s]\s*"
    r"(?P<year>(?:19|20)\d{2})\s*(?:年|[.\-/])\s*(?P<month>\d{1,2})\s*月?"
    r"(?:\s*[.\-/]?\s*\d{1,2}\s*[日号]?)?\s*(?:出生|生)?)?"
)
_SPLIT = re.compile(r"[；;。\n\r]+")


class Member(NamedTuple):
    name: str
    relation: str  # HouseholdMember.Relation value
    birth_date: dt.date | None  # the 1st of the month written


def parse_members(text: str, *, today: dt.date) -> list[Member] | None:
    """The members the cell names, or None when any part of it is not one (kept as a note)."""
    members: list[Member] = []
    for piece in _SPLIT.split(str(text)):
        part = normalize_text(piece).strip(" ,，、;")
        if not part:
            continue
        match = _PART.fullmatch(part)
        if match is None:
            return None
        birth = None
        if match["year"]:
            month = int(match["month"])
            if not 1 <= month <= 12:
                return None
            birth = dt.date(int(match["year"]), month, 1)
            if birth > today:
                return None
        relation = _RELATIONS.get(match["relation"] or "", "child")
        members.append(Member(match["name"], relation, birth))
    return members or None
