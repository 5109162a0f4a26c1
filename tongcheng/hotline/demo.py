"""The hotline's demo: the knowledge base, the demo platform, and platform tickets and calls
played through the real webhook actions (development only: `manage.py seed_hotline`)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from tongcheng.audit.services import Actor
from tongcheng.cases.models import Nature, Service
from tongcheng.hotline.actions.platform import (
    TicketInput,
    call_event,
    platform_register,
    ticket_open,
    ticket_take,
)
from tongcheng.hotline.data.knowledge import ENTRIES
from tongcheng.hotline.models import Article, Call, Platform

# The demo platform's shared secret (hotline_simulate signs with it: docs/hotline.md).
DEMO_PLATFORM = "12345"
DEMO_SECRET = "tongcheng-demo-platform-secret"  # noqa: S105 (the demo's, printed by seed_hotline)
CALLERS = [
    ("阿依古丽·买买提", "13912345601", "job-seeking", Nature.HELP, "想找一份餐饮工作"),
    ("扎西多吉", "13703557702", "residence-permit", Nature.CONSULTATION, "居住证快到期，怎么续签"),
    ("古丽娜尔·艾力", "15935541103", "wage-arrears", Nature.COMPLAINT, "工地拖欠三个月工资"),
    ("白音", "18635509804", "legal-aid", Nature.HELP, "租房押金纠纷，想申请法律援助"),
    ("马秀兰", "13834561205", "school-enrolment", Nature.CONSULTATION, "孩子九月上小学要准备什么"),
    ("热依拉·吐尔逊", "13513556606", "medical-fee-waiver", Nature.HELP, "住院费用负担不起"),
    ("哈力克", "13994417707", "employment-training", Nature.CONSULTATION, "想报名清真餐饮培训"),
    ("索朗卓玛", "15103558808", "temporary-relief", Nature.HELP, "家里着火，生活暂时困难"),
]  # fmt: skip
COMMUNITY_CODES = ["140403001001", "140403002001", "140404001001"]


@dataclass(frozen=True)
class Seeded:
    articles: int
    tickets: int
    calls: int


@transaction.atomic
def hotline_seed() -> Seeded | None:
    """Seed once (None: the demo platform is there already)."""
    if Platform.objects.filter(code=DEMO_PLATFORM).exists():
        return None
    articles = _knowledge_base()
    platform = platform_register(
        actor=Actor.system("seed_hotline"),
        code=DEMO_PLATFORM,
        name="12345 政务服务便民热线（演示）",
        secret=DEMO_SECRET,
    )
    rng = random.Random(12345)
    tickets = calls = 0
    for number, (name, phone, service, nature, words) in enumerate(CALLERS, start=1):
        call_id = f"demo-call-{number}"
        for state in (Call.State.RINGING, Call.State.ANSWERED, Call.State.ENDED):
            call_event(platform=platform, call_id=call_id, phone=phone, state=state)
        calls += 1
        data = TicketInput(
            service=service, community=rng.choice(COMMUNITY_CODES), nature=nature,
            description=words, caller_name=name, caller_phone=phone,
        )  # fmt: skip
        for _delivery in range(2 if number % 3 == 0 else 1):  # some tickets come twice
            taken = ticket_take(platform=platform, ticket_id=f"DEMO-{number:04d}", data=data)
        # What the task worker does a moment later.
        opened = ticket_open(ticket_pk=taken.ticket.pk)
        Call.objects.filter(platform=platform, call_id=call_id).update(case=opened.case)
        tickets += 1
    return Seeded(articles, tickets, calls)


def _knowledge_base() -> int:
    if Article.objects.exists():
        return 0
    services = {s.code: s for s in Service.objects.all()}
    Article.objects.bulk_create(
        Article(
            service=services.get(code),
            title=title,
            question=question,
            answer=answer,
            keywords=keywords,
            basis=basis,
        )
        for code, title, question, answer, keywords, basis in ENTRIES
    )
    return len(ENTRIES)
