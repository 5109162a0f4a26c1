"""The synthetic demo ledger of the pilot district 潞州区 (development and demos only).

A few thousand files, most in 东街街道 and 西街街道; origins weighted like the real flows of
ethnic-minority residents into Shanxi (宁夏, 甘肃临夏, 青海, 新疆, 河南, 内蒙古 …), with names
typical of each origin, synthetic ID numbers with valid check digits (birth area = the origin
county), phones, addresses, permits, children, visits and movements over the past two years,
and a few duplicate candidates for the review queue. Everything is made up; a fixed random
seed makes two runs on empty databases identical.

This module only builds the rows: unsaved model instances, with the same column helpers
(encryption, keyed hashes, pinyin, name keys) as the actions. It writes nothing and reads only
the officers' memberships (`community_officers`); tongcheng.registry.actions.demo.ledger_seed
writes the rows with bulk inserts (`manage.py seed_ledger`).

Long because most of it is data: the static demo lists (names, origins, occupations, streets,
schools, mobile prefixes) a demo ledger is made of, kept next to the code that draws from them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from tongcheng.lib.areacodes import in_subtree, subtree_q
from tongcheng.lib.idnumber import make_id_number
from tongcheng.lib.roles import Role
from tongcheng.org.models import Area, Membership, Region, User
from tongcheng.registry.columns import name_columns, name_keys
from tongcheng.registry.identifiers import identifier_columns
from tongcheng.registry.models import (
    DuplicateCandidate,
    HouseholdMember,
    Movement,
    NameKey,
    Occupation,
    Person,
    PersonChange,
    Visit,
)

PILOT_DISTRICT = "140403"
# Most files in 东街街道 and 西街街道 (the pilot streets), the rest across the district.
PILOT_STREETS = ("140403001", "140403002")
PILOT_SHARE = 0.75
SEED = 20130601
SEED_ACTION = "person.seed"

# Given names (Han-style) shared by the Hui, Manchu, Tujia, Salar, Dongxiang and Tu profiles.
_MALE = [
    "文斌",
    "志强",
    "建华",
    "永福",
    "海军",
    "国庆",
    "德明",
    "学军",
    "小龙",
    "忠义",
    "俊杰",
    "玉林",
    "成林",
    "少华",
    "宏伟",
    "新民",
    "伟",
    "军",
    "明",
    "福",
    "平",
    "刚",
    "勇",
    "涛",
]
_FEMALE = [
    "秀英",
    "玉兰",
    "桂花",
    "丽娜",
    "春梅",
    "海燕",
    "晓燕",
    "雪莲",
    "红梅",
    "淑芳",
    "慧敏",
    "美玲",
    "兰",
    "娟",
    "霞",
    "芳",
    "敏",
    "静",
    "莉",
    "燕",
]
_UYGHUR_MALE = [
    "买买提",
    "艾力",
    "阿不都",
    "吐尔逊",
    "艾克拜尔",
    "努尔",
    "热合曼",
    "亚森",
    "依明",
    "阿布拉",
]
_UYGHUR_FEMALE = [
    "阿依古丽",
    "古丽",
    "热依拉",
    "帕提古丽",
    "米热古丽",
    "阿依努尔",
    "祖丽皮亚",
    "迪丽拜尔",
]
_UYGHUR_FATHER = [
    "艾力",
    "吐尔逊",
    "买买提",
    "阿不都",
    "热合曼",
    "卡德尔",
    "司马义",
    "肉孜",
    "亚生",
    "克里木",
]
_MONGOL_MALE = [
    "巴特尔",
    "额尔敦",
    "孟和",
    "朝鲁",
    "苏和",
    "宝音",
    "那日苏",
    "巴图",
    "哈斯",
    "满都拉",
]
_MONGOL_FEMALE = [
    "其其格",
    "乌云",
    "斯琴",
    "萨仁",
    "乌日娜",
    "苏日娜",
    "高娃",
    "图雅",
    "娜仁",
    "塔娜",
]
_TIBETAN_FIRST = ["扎西", "次仁", "格桑", "尼玛", "索朗", "多吉", "达瓦", "旦增", "洛桑", "拉巴"]
_TIBETAN_MALE_LAST = ["多吉", "平措", "顿珠", "旺堆", "罗布", "坚参"]
_TIBETAN_FEMALE_LAST = ["卓玛", "拉姆", "央宗", "曲珍", "措姆", "德吉"]


@dataclass(frozen=True)
class Profile:
    ethnicity: str  # GB/T 3304 code
    surnames: str  # one character per surname; "" = the profile builds whole names


PROFILES = {
    "hui": Profile("03", "马马马马白杨丁海穆沙哈纳米喇冶韩马金"),
    "dongxiang": Profile("26", "马妥汪唐马"),
    "salar": Profile("35", "韩马韩"),
    "tu": Profile("30", "李祁吕"),
    "uyghur": Profile("05", ""),
    "mongol": Profile("02", ""),
    "tibetan": Profile("04", ""),
    "manchu": Profile("11", "关佟那金赵富索"),
    "tujia": Profile("15", "向田彭覃冉谭"),
}

# Origin county (GB/T 2260) → (weight, [(profile, share)]). Weights follow the flows into
# Shanxi the plan names: 宁夏, 甘肃临夏, 青海, 新疆, 河南, 内蒙古 first.
ORIGINS: dict[str, tuple[int, list[tuple[str, float]]]] = {
    "640324": (10, [("hui", 1.0)]),  # 宁夏 同心县
    "640422": (8, [("hui", 1.0)]),  # 宁夏 西吉县
    "640522": (7, [("hui", 1.0)]),  # 宁夏 海原县
    "640302": (4, [("hui", 1.0)]),  # 宁夏 吴忠 利通区
    "640104": (3, [("hui", 1.0)]),  # 宁夏 银川 兴庆区
    "622901": (8, [("hui", 1.0)]),  # 甘肃 临夏市
    "622921": (5, [("hui", 0.8), ("dongxiang", 0.2)]),  # 甘肃 临夏县
    "622924": (6, [("hui", 1.0)]),  # 甘肃 广河县
    "622926": (5, [("dongxiang", 0.7), ("hui", 0.3)]),  # 甘肃 东乡族自治县
    "623001": (1, [("tibetan", 1.0)]),  # 甘肃 甘南 合作市
    "630224": (6, [("hui", 1.0)]),  # 青海 化隆回族自治县
    "630225": (3, [("salar", 0.8), ("hui", 0.2)]),  # 青海 循化撒拉族自治县
    "630222": (3, [("hui", 0.6), ("tu", 0.4)]),  # 青海 民和回族土族自治县
    "630102": (2, [("hui", 0.7), ("tibetan", 0.3)]),  # 青海 西宁 城东区
    "653101": (4, [("uyghur", 1.0)]),  # 新疆 喀什市
    "653201": (3, [("uyghur", 1.0)]),  # 新疆 和田市
    "654002": (2, [("uyghur", 0.6), ("hui", 0.4)]),  # 新疆 伊宁市
    "650102": (2, [("uyghur", 0.7), ("hui", 0.3)]),  # 新疆 乌鲁木齐 天山区
    "410104": (6, [("hui", 1.0)]),  # 河南 郑州 管城回族区
    "410882": (4, [("hui", 1.0)]),  # 河南 沁阳市
    "150103": (2, [("hui", 0.5), ("mongol", 0.5)]),  # 内蒙古 呼和浩特 回民区
    "150502": (3, [("mongol", 1.0)]),  # 内蒙古 通辽 科尔沁区
    "150402": (2, [("mongol", 0.6), ("manchu", 0.4)]),  # 内蒙古 赤峰 红山区
    "150121": (1, [("mongol", 1.0)]),  # 内蒙古 土默特左旗
    "540102": (1, [("tibetan", 1.0)]),  # 西藏 拉萨 城关区
    "422801": (2, [("tujia", 1.0)]),  # 湖北 恩施市
    "433101": (2, [("tujia", 1.0)]),  # 湖南 吉首市
    "210422": (2, [("manchu", 1.0)]),  # 辽宁 新宾满族自治县
    "130828": (2, [("manchu", 0.6), ("mongol", 0.4)]),  # 河北 围场满族蒙古族自治县
}

# Occupation → weight ("" = not recorded: a 三必清 gap).
OCCUPATIONS = {
    Occupation.NOODLE_RESTAURANT: 24,
    Occupation.CATERING_WORK: 15,
    Occupation.CONSTRUCTION: 12,
    Occupation.VENDOR: 15,
    Occupation.TRANSPORT: 6,
    Occupation.FACTORY: 8,
    Occupation.STUDENT: 5,
    Occupation.UNEMPLOYED: 6,
    Occupation.OTHER: 5,
    "": 4,
}
OCCUPATION_TEXT = {
    Occupation.NOODLE_RESTAURANT: ["兰州牛肉拉面", "清真拉面馆", "牛肉面馆"],
    Occupation.CATERING_WORK: ["餐馆服务员", "厨师", "面点师"],
    Occupation.VENDOR: ["干果摊", "清真牛羊肉店", "烤串摊", "民族服饰店"],
    Occupation.TRANSPORT: ["货车司机", "快递员", "网约车司机"],
}
ROADS = [
    "英雄南路",
    "英雄中路",
    "英雄北路",
    "太行东街",
    "太行西街",
    "府后东街",
    "府后西街",
    "东大街",
    "西大街",
    "南大街",
    "北大街",
    "城隍庙街",
    "紫金东街",
    "紫金西街",
    "五一路",
    "解放东街",
    "解放西街",
    "延安南路",
    "北关街",
    "东关街",
    "马厂街",
    "清真寺街",
]
SCHOOLS = ("东街小学", "西街小学", "英雄中路小学", "长治市第五中学", "长治市第八中学", "城隍庙小学")
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "158",
    "159",
    "177",
    "180",
    "186",
    "187",
    "188",
    "189",
]


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Builder:
    """Makes the rows of one file in memory; it writes nothing."""

    def __init__(self, rng: random.Random, today: date, officers: dict[str, User]) -> None:
        self.rng = rng
        self.today = today
        self.officers = officers
        self.id_sequence: dict[tuple[str, date, str], int] = defaultdict(int)
        self.phones: set[str] = set()

    # --- one person ---------------------------------------------------------------------

    def name(self, profile: str, sex: str) -> str:
        rng = self.rng
        male = sex == "male"
        if profile == "uyghur":
            given = rng.choice(_UYGHUR_MALE if male else _UYGHUR_FEMALE)
            return f"{given}·{rng.choice(_UYGHUR_FATHER)}"
        if profile == "mongol":
            given = rng.choice(_MONGOL_MALE if male else _MONGOL_FEMALE)
            # Many Mongol residents use a Han surname (包, 白, 宝) before the Mongol name.
            surname = rng.choice([c for c in "包白宝" if c != given[0]])
            return (surname + given) if rng.random() < 0.3 else given
        if profile == "tibetan":
            last = _TIBETAN_MALE_LAST if male else _TIBETAN_FEMALE_LAST
            return rng.choice(_TIBETAN_FIRST) + rng.choice(last)
        surname = rng.choice(PROFILES[profile].surnames)
        return surname + rng.choice(_MALE if male else _FEMALE)

    def id_number(self, county: str, birth: date, sex: str) -> str:
        key = (county, birth, sex)
        seq = self.id_sequence[key]
        self.id_sequence[key] += 1
        return make_id_number(county, birth, seq % 500, sex)  # type: ignore[arg-type]

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def address(self) -> str:
        rng = self.rng
        text = f"{rng.choice(ROADS)}{rng.randint(1, 280)}号"
        if rng.random() < 0.5:
            building, unit = rng.randint(1, 12), rng.randint(1, 4)
            text += f"{building}号楼{unit}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
        return text

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def person(self, community: Area, county: str, counties: dict[str, Region]) -> Person:
        rng = self.rng
        weights = dict(ORIGINS[county][1])
        profile = _weighted(rng, weights)
        sex = rng.choice(("male", "male", "female"))
        birth = self.day_between(date(1964, 1, 1), date(2006, 12, 31))
        name = self.name(profile, sex)
        id_number = self.id_number(county, birth, sex) if rng.random() < 0.93 else ""
        # Recent arrivals are more frequent (the 24-month chart has something to show).
        arrived = self.today - timedelta(days=int(rng.triangular(20, 365 * 10, 200)))
        occupation = _weighted(rng, OCCUPATIONS)
        has_permit = rng.random() < 0.7
        issued = (
            self.day_between(max(arrived, self.today - timedelta(days=360)), self.today)
            if has_permit
            else None
        )
        address = self.address() if rng.random() < 0.95 else ""
        return Person(
            name=name,
            ethnicity_id=PROFILES[profile].ethnicity,
            sex=sex,
            birth_date=birth,
            origin_region=counties[county],
            origin_province=county[:2],
            origin_text="" if rng.random() < 0.8 else f"{rng.choice('东西南北')}关村",
            community=community,
            area_code=community.code,
            occupation=occupation,
            occupation_text=rng.choice(OCCUPATION_TEXT.get(occupation, [""])),
            employer=f"{name[0]}记{rng.choice(['拉面馆', '牛肉面', '清真餐厅'])}"
            if occupation == Occupation.NOODLE_RESTAURANT
            else "",
            arrived_on=arrived,
            permit_kind=rng.choice(Person.PermitKind.values) if has_permit else "",
            permit_issued_on=issued,
            permit_expires_on=issued + timedelta(days=365) if issued else None,
            notice_given_on=arrived + timedelta(days=rng.randint(3, 60)),
            created_at=timezone.make_aware(datetime.combine(arrived, datetime.min.time())),
            **identifier_columns(
                id_number=id_number,
                phone=self.phone() if rng.random() < 0.9 else "",
                address=address,
                permit_number=f"{PILOT_DISTRICT}{issued:%Y}{rng.randrange(10**6):06d}"
                if issued
                else "",
            ),
            **name_columns(name),
        )

    def household(self, person: Person) -> list[HouseholdMember]:
        rng = self.rng
        members = []
        adult = person.birth_date is not None and person.birth_date.year < 1998
        if adult and rng.random() < 0.4:
            members.append(
                HouseholdMember(
                    person=person,
                    name=self.name("hui", "female" if person.sex == "male" else "male"),
                    relation=HouseholdMember.Relation.SPOUSE,
                )
            )
        if adult and rng.random() < 0.35:
            for _ in range(rng.randint(1, 3)):
                born = self.day_between(date(2008, 1, 1), self.today - timedelta(days=200))
                school = rng.choice(SCHOOLS) if self.today.year - born.year >= 7 else ""
                members.append(
                    HouseholdMember(
                        person=person,
                        name=person.name[0] + rng.choice(_MALE + _FEMALE),
                        relation=HouseholdMember.Relation.CHILD,
                        birth_date=born,
                        school=school,
                    )
                )
        return members


def community_officers(communities: list[Area]) -> dict[str, User]:
    """Community code → the most local officer who keeps its files (visits, movements)."""
    memberships = list(
        Membership.objects.filter(
            subtree_q([PILOT_DISTRICT], "area__code"),
            role__in=[Role.COMMUNITY_OFFICER, Role.STREET_OFFICER, Role.DISTRICT_OFFICE],
        ).select_related("user", "area")
    )
    result = {}
    for community in communities:
        covering = [m for m in memberships if m.area.contains(community)]
        if covering:
            result[community.code] = max(covering, key=lambda m: len(m.area.prefix)).user
    return result


def duplicates(
    builder: Builder,
    persons: list[Person],
    communities: list[Area],
    counties: dict[str, Region],
) -> list[tuple[Person, Person]]:
    """A few second files of one person (same name and birth date, no ID number)."""
    pairs = []
    half = persons[: len(persons) // 2]
    for original in builder.rng.sample(half, k=min(6, len(half))):
        county = original.origin_region_id or next(iter(counties))
        copy = builder.person(builder.rng.choice(communities), county, counties)
        copy.name, copy.birth_date = original.name, original.birth_date
        copy.sex, copy.ethnicity_id = original.sex, original.ethnicity_id
        copy.name_pinyin, copy.name_initials = original.name_pinyin, original.name_initials
        copy.id_number_enc = copy.id_number_hash = copy.id_number_last4 = ""
        copy.created_at = timezone.now() - timedelta(days=builder.rng.randint(1, 30))
        pairs.append((copy, original))
    return pairs


def history(
    builder: Builder, persons: list[Person], communities: list[Area], copies: set[int]
) -> tuple[list[Visit], list[Movement]]:
    """Visits and movements over the past two years (and the file states they leave).

    `copies` are the id() of the duplicate files: none of them gets a pending transfer.
    """
    rng, today = builder.rng, builder.today
    two_years_ago = today - timedelta(days=730)
    visits: list[Visit] = []
    movements: list[Movement] = []
    pending_left = 4
    receivers = [c for c in communities if in_subtree(c.code, [PILOT_STREETS[1]])]
    for person in persons:
        officer = builder.officers.get(person.area_code)
        if officer is None:
            continue
        first = max(person.arrived_on or two_years_ago, two_years_ago)
        visits.extend(visits_of(builder, person, officer, first))
        movements.extend(movements_of(builder, person, officer, first))
        if (
            pending_left
            and person.status == Person.Status.ACTIVE
            and in_subtree(person.area_code, [PILOT_STREETS[0]])
            and id(person) not in copies
        ):
            target = rng.choice(receivers) if receivers else None
            if target and rng.random() < 0.05:
                pending_left -= 1
                movements.append(
                    Movement(
                        person=person,
                        kind=Movement.Kind.TRANSFER,
                        state=Movement.State.PENDING,
                        from_area=person.community,
                        to_area=target,
                        moved_on=today - timedelta(days=rng.randint(1, 10)),
                        reason="搬到西街亲戚家附近",
                        requested_by=officer,
                    )
                )
    return visits, movements


def visits_of(builder: Builder, person: Person, officer: User, first: date) -> list[Visit]:
    """The file's visits since `first` (and the verification dates they leave on it)."""
    rng, today = builder.rng, builder.today
    roll = rng.random()
    # 60% verified within 6 months, 25% longer ago, 15% never visited.
    if roll >= 0.85 or first >= today:
        return []
    recent = roll < 0.6
    start = max(first, today - timedelta(days=170)) if recent else first
    end = today if recent else max(first, today - timedelta(days=200))
    visited = builder.day_between(start, end)
    visits = []
    if rng.random() < 0.2:
        earlier = builder.day_between(first, visited)
        visits.append(
            Visit(
                person=person,
                area_code=person.area_code,
                visited_on=earlier,
                officer=officer,
                outcome=Visit.Outcome.NOT_HOME,
            )
        )
    visits.append(
        Visit(
            person=person,
            area_code=person.area_code,
            visited_on=visited,
            officer=officer,
            outcome=Visit.Outcome.MET,
            verified_origin=True,
            verified_address=bool(person.address_enc),
            verified_occupation=bool(person.occupation),
        )
    )
    person.origin_verified_on = visited
    person.address_verified_on = visited if person.address_enc else None
    person.occupation_verified_on = visited if person.occupation else None
    return visits


def movements_of(builder: Builder, person: Person, officer: User, first: date) -> list[Movement]:
    """The file's moves since `first` (and the status they leave on it)."""
    rng, today = builder.rng, builder.today
    if first >= today:
        return []
    roll = rng.random()
    done = {
        "state": Movement.State.DONE,
        "requested_by": officer,
        "decided_by": officer,
        "from_area": person.community,
    }
    if roll < 0.06:
        return [
            Movement(
                person=person,
                kind=Movement.Kind.ADDRESS_CHANGE,
                moved_on=builder.day_between(first, today),
                reason="换了租住的房子",
                **done,
            )
        ]
    if roll < 0.18:
        kind = rng.choice(
            [
                Movement.Kind.MOVED_AWAY,
                Movement.Kind.MOVED_AWAY,
                Movement.Kind.RETURNED_HOME,
                Movement.Kind.SETTLED,
            ]
        )
        moved = builder.day_between(first, today)
        rows = [Movement(person=person, kind=kind, moved_on=moved, **done)]
        if kind != Movement.Kind.SETTLED and rng.random() < 0.25 and moved < today:
            # Came back: the same file is reactivated (never a second file).
            back = builder.day_between(moved, today)
            rows.append(
                Movement(
                    person=person,
                    kind=Movement.Kind.REACTIVATED,
                    moved_on=back,
                    reason="返回长治继续经营",
                    **done,
                )
            )
            person.status_since = back
            return rows
        person.status = {
            Movement.Kind.MOVED_AWAY: Person.Status.MOVED_AWAY,
            Movement.Kind.RETURNED_HOME: Person.Status.RETURNED_HOME,
            Movement.Kind.SETTLED: Person.Status.SETTLED,
        }[kind]
        person.status_since = moved
        return rows
    person.status_since = person.arrived_on or today
    return []


@dataclass(frozen=True)
class DemoLedger:
    """The rows of a demo ledger, unsaved, in the order they are written."""

    persons: list[Person]
    visits: list[Visit]
    movements: list[Movement]
    household: list[HouseholdMember]
    name_keys: list[NameKey]
    changes: list[PersonChange]
    duplicates: list[DuplicateCandidate]


def build_ledger(
    count: int,
    communities: list[Area],
    counties: dict[str, Region],
    officers: dict[str, User],
    today: date,
) -> DemoLedger:
    """`count` files (and a few duplicates) in `communities`, from the origin `counties`.

    `officers` (community code → officer: `community_officers`) record the visits and movements.
    The random draws follow a fixed seed, so equal inputs give an equal ledger.
    """
    rng = random.Random(SEED)
    origins = {code: weight for code, (weight, _profiles) in ORIGINS.items() if code in counties}
    pilot = [c for c in communities if in_subtree(c.code, PILOT_STREETS)]
    others = [c for c in communities if not in_subtree(c.code, PILOT_STREETS)] or pilot
    builder = Builder(rng, today, officers)

    persons = []
    for _ in range(count):
        community = rng.choice(pilot if rng.random() < PILOT_SHARE else others)
        persons.append(builder.person(community, _weighted(rng, origins), counties))
    pairs = duplicates(builder, persons, communities, counties)
    persons.extend(copy for copy, _original in pairs)
    copies = {id(copy) for copy, _original in pairs}
    # Visits and movements set the files' verified dates and statuses: made before the
    # insert, so each file is written once (bulk_create takes the new keys of the files).
    visits, movements = history(builder, persons, communities, copies)
    return DemoLedger(
        persons=persons,
        visits=visits,
        movements=movements,
        household=[m for p in persons for m in builder.household(p)],
        name_keys=[
            NameKey(person=p, key=k, area_code=p.area_code)
            for p in persons
            for k in sorted(name_keys(p.name))
        ],
        changes=[
            PersonChange(person=p, at=p.created_at, action=SEED_ACTION, note="demo")
            for p in persons
        ],
        duplicates=[
            DuplicateCandidate(
                person=copy,
                other=original,
                area_code=copy.area_code,
                reason=DuplicateCandidate.Reason.SAME_NAME_AND_BIRTH,
            )
            for copy, original in pairs
        ],
    )
