"""The demo representatives (`manage.py seed_engagement`): about 60 appointments in 潞州区 and
上党区 with two years of talks, mostly on time, some missed, and the 古尔邦节 forums of 2025
and 2026.

The appointments are made through the real action (slots, tallies, audit); the talks are
written in bulk and their counts then set in one pass (summaries.refresh_counts), which gives
the same summaries as recording each talk (the tests hold both to the recount).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from tongcheng.engagement import cadence, summaries
from tongcheng.engagement.actions.representatives import (
    RepresentativeInput,
    representative_create,
)
from tongcheng.engagement.models import Contact, Kind, Representative, Topic
from tongcheng.org.models import Area, User
from tongcheng.registry.models import Person

# (community code, the demo account responsible, how many): the demo data's communities.
PLACES = (
    ("140403001001", "heping.community", 16),
    ("140403001002", "dongguan.community", 14),
    ("140403002001", "shangdangmen.community", 14),
    ("140404001001", "changan.community", 12),
    ("140403001000", "dongjie.street", 2),
    ("140404001000", "handian.street", 2),
)
OFFICES = {"140403": "潞州区民族宗教事务局", "140404": "上党区民族宗教事务局"}
SURNAMES = ("马", "白", "沙", "杨", "丁", "海", "金", "穆", "哈", "纳")
GIVEN = ("文华", "玉兰", "志刚", "秀英", "建军", "桂芳", "德明", "淑珍", "国庆", "春梅")
MINORITY_NAMES = ("古丽娜尔", "买买提·艾力", "热依拉", "扎西", "娜仁", "阿依古丽", "巴特尔")
ETHNICITIES = ("03", "03", "03", "05", "04", "02", "05")
START = date(2025, 1, 6)
SUMMARIES = ("了解近期务工情况", "反映子女入学问题", "邻里纠纷已调解", "宣讲惠民政策",
             "走访困难家庭", "反映租房困难")  # fmt: skip


def _appoint(rng: random.Random, officer: User, area: Area, index: int,
             person: Person | None) -> Representative:  # fmt: skip
    name_index = rng.randrange(len(MINORITY_NAMES))
    name = (
        MINORITY_NAMES[name_index] if index % 3 == 0
        else rng.choice(SURNAMES) + rng.choice(GIVEN)
    )  # fmt: skip
    data = RepresentativeInput(
        person=person, name="" if person else name,
        ethnicity="" if person else ETHNICITIES[name_index],
        phone="" if person else f"139{rng.randrange(10**8):08d}", area=area,
        term_from=START + timedelta(days=rng.randrange(0, 3)), term_to=date(2027, 12, 31),
        office=OFFICES[area.code[:6]], officer=officer,
    )  # fmt: skip
    return representative_create(actor=officer, data=data)


def _talks(rng: random.Random, rep: Representative, today: date) -> list[Contact]:
    """A phone talk most weeks, a visit most months, on days of the appointment."""
    rows: list[Contact] = []

    def add(kind: str, day: date) -> None:
        if rep.term_from <= day <= min(today, rep.last_day):
            topics = rng.sample(Topic.values, rng.randrange(1, 3))
            rows.append(Contact(representative=rep, area_code=rep.area_code, kind=kind,
                                held_on=day, officer_id=rep.officer_id, topics=topics,
                                summary=rng.choice(SUMMARIES)))  # fmt: skip

    week = cadence.week_of(rep.term_from)
    while week <= today:
        if rng.random() < 0.9:
            add(Kind.PHONE, week + timedelta(days=rng.randrange(0, 5)))
        week += timedelta(weeks=1)
    month = cadence.month_of(rep.term_from)
    while month <= today:
        if rng.random() < 0.88:
            add(Kind.VISIT, month + timedelta(days=rng.randrange(9, 20)))
        month = cadence.period_end(cadence.MONTH, month) + timedelta(days=1)
    for year in (2025, 2026):
        festival = cadence.computed_adha(year)
        if festival is not None and rng.random() < 0.85:
            add(Kind.FORUM, festival - timedelta(days=5))  # one forum per district and year
    return rows


@transaction.atomic
def engagement_seed(*, seed: int = 2026) -> int | None:
    """Make the demo appointments and talks; None when there are appointments already."""
    if Representative.objects.exists():
        return None
    rng = random.Random(seed)
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=[p[1] for p in PLACES])}
    areas = {a.code: a for a in Area.objects.filter(code__in=[p[0] for p in PLACES])}
    contacts: list[Contact] = []
    count = 0
    for code, username, how_many in PLACES:
        if code not in areas or username not in users:
            continue
        files = list(Person.objects.filter(area_code=code).order_by("pk")[: how_many // 2])
        for index in range(how_many):
            person = files[index] if index < len(files) and index % 2 else None
            rep = _appoint(rng, users[username], areas[code], index, person)
            contacts += _talks(rng, rep, today)
            count += 1
    Contact.objects.bulk_create(contacts, batch_size=2000)
    summaries.refresh_counts()
    return count
