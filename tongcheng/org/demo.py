"""The demo accounts: one for every role, in the pilot district (潞州区) and one more (上党区).

Every account is `is_demo` (demo accounts can only log in while DEBUG is on) and shares one
password; accounts whose roles need two-factor under TWO_FACTOR_REQUIRED get a TOTP secret
derived from SECRET_KEY and the username, so it stays the same across runs (`manage.py
totp_code USERNAME` prints the current code). The leading group's seats get made-up holders.
Written by tongcheng.org.actions.demo (`manage.py seed_demo`).

Names are synthetic: never the names of the people in the plan.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.utils.crypto import salted_hmac

from tongcheng.lib.roles import Role
from tongcheng.org.models import LeadingGroupPosition

# ≥ 12 characters, four character classes, no context word (checked by test_seed_demo).
DEMO_PASSWORD = "Pilot#Trial-2013demo"  # noqa: S105 (demo accounts only log in with DEBUG on)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    area_code: str
    department_code: str | None = None


# Areas: 长治市; 潞州区 (pilot) with 东街街道 (pilot street: 和平, 东关) and 西街街道 (上党门);
# 上党区 with 韩店街道 (长安社区).
CITY = "140400000000"
LUZHOU = "140403000000"
DONGJIE = "140403001000"
HEPING = "140403001001"
DONGGUAN = "140403001002"
XIJIE = "140403002000"
SHANGDANGMEN = "140403002001"
SHANGDANG = "140404000000"
HANDIAN = "140404001000"
CHANGAN = "140404001001"

ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("city.admin", "郭明远", Role.CITY_ADMIN, CITY),
    DemoAccount("luzhou.office", "马晓梅", Role.DISTRICT_OFFICE, LUZHOU),
    DemoAccount("shangdang.office", "白文涛", Role.DISTRICT_OFFICE, SHANGDANG),
    DemoAccount("dongjie.street", "李建国", Role.STREET_OFFICER, DONGJIE),
    DemoAccount("xijie.street", "韩雪松", Role.STREET_OFFICER, XIJIE),
    DemoAccount("handian.street", "冯佳怡", Role.STREET_OFFICER, HANDIAN),
    DemoAccount("heping.community", "杨春燕", Role.COMMUNITY_OFFICER, HEPING),
    DemoAccount("dongguan.community", "穆丽娜", Role.COMMUNITY_OFFICER, DONGGUAN),
    DemoAccount("shangdangmen.community", "刘志刚", Role.COMMUNITY_OFFICER, SHANGDANGMEN),
    DemoAccount("changan.community", "郝静", Role.COMMUNITY_OFFICER, CHANGAN),
    DemoAccount("hrss.liaison", "周海涛", Role.DEPT_LIAISON, CITY, "city-hrss"),
    DemoAccount("civil.liaison", "陈淑芬", Role.DEPT_LIAISON, CITY, "city-civil"),
    DemoAccount("edu.liaison", "孙亚楠", Role.DEPT_LIAISON, CITY, "city-edu"),
    DemoAccount("justice.liaison", "段立新", Role.DEPT_LIAISON, CITY, "city-justice"),
    DemoAccount("luzhou-hrss.liaison", "武晓燕", Role.DEPT_LIAISON, LUZHOU, "140403-hrss"),
    DemoAccount("city.hotline", "程丽萍", Role.HOTLINE_OPERATOR, CITY),
    DemoAccount("luzhou.volunteer", "牛振华", Role.LEGAL_VOLUNTEER, LUZHOU),
    DemoAccount("heping.representative", "丁玉兰", Role.REPRESENTATIVE, HEPING),
    DemoAccount("luzhou.inspector", "霍建平", Role.INSPECTOR, LUZHOU),
    DemoAccount("city.leader", "贺永胜", Role.LEADER, CITY),
    DemoAccount("luzhou.leader", "申红梅", Role.LEADER, LUZHOU),
    DemoAccount("city.sysadmin", "宋磊", Role.SYS_ADMIN, CITY),
    DemoAccount("city.security", "潘悦", Role.SECURITY_ADMIN, CITY),
    DemoAccount("city.audit", "田雨", Role.AUDIT_ADMIN, CITY),
)

# Synthetic holders of the leading group seats: a surname and a given name picked by a hash of
# the seat, so reruns give the same names.
_SURNAMES = "高梁邢闫常苗贾崔侯董薛靳卫路聂焦温郝牛冯彭曹袁邓许傅沈曾吕苏卢蒋蔡魏叶阎余"
_GIVEN = [
    "振东", "秀英", "国华", "春生", "宏伟", "志强", "文斌", "立峰", "玉成", "晓东", "建新", "明亮",
    "国庆", "红霞", "长青", "宏斌", "素芳", "志远", "海燕", "丽君", "永刚", "桂兰", "德明", "瑞琴",
    "俊杰", "少华", "新民", "淑珍", "福林", "晓丽", "世杰", "美玲", "振宇", "秋月", "建军", "慧敏",
]  # fmt: skip


def demo_totp_secret(username: str) -> str:
    """A base32 TOTP secret fixed per account (and per SECRET_KEY), so reruns keep it."""
    digest = salted_hmac("tongcheng.seed_demo.totp", username, algorithm="sha256").digest()
    return base64.b32encode(digest[:20]).decode()


def _seat_key(seat: LeadingGroupPosition) -> str:
    # The office director "(兼任)" is the same person as the member seat with the same post.
    post = seat.post.replace("(兼任)", "").replace("(兼任)", "").strip()
    return f"{seat.area.code}:{seat.department.code if seat.department else ''}:{post}"


def synthetic_holder_names(seats: list[LeadingGroupPosition]) -> dict[int, str]:
    """Seat pk → a made-up name; seats of one person share it, different people never do."""
    by_key: dict[str, str] = {}
    used: set[str] = set()
    result: dict[int, str] = {}
    combinations = len(_SURNAMES) * len(_GIVEN)
    for seat in seats:
        key = _seat_key(seat)
        if key not in by_key:
            index = int(hashlib.sha256(key.encode()).hexdigest(), 16) % combinations
            while True:
                name = _SURNAMES[index % len(_SURNAMES)] + _GIVEN[index // len(_SURNAMES)]
                if name not in used:
                    break
                index = (index + 1) % combinations
            used.add(name)
            by_key[key] = name
        result[seat.pk] = by_key[key]
    return result
