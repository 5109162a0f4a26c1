"""Play the public phone platform against a running server (`manage.py hotline_simulate`).

Each round is a call as the platform reports it: the phone rings (the console pops the caller's
files), is answered, and ends; most calls also send a ticket, some twice and some with the
call's events out of order, as real platforms do. Signed with the platform's secret (from the
environment, as register_platform took it).
"""

from __future__ import annotations

import json
import os
import random
import time
import urllib.error
import urllib.request
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongcheng.hotline.signing import signed_headers

CALLERS = [
    ("阿依古丽·买买提", "13912345678", "140403001001", "job-seeking", "help", "想找一份餐饮工作"),
    ("马晓梅", "13834561234", "140403002001", "school-enrolment", "consultation",
     "孩子九月上小学，想问需要准备哪些材料"),
    ("扎西多吉", "13703557788", "140403001001", "residence-permit", "consultation",
     "居住证快到期了，怎么续签"),
    ("古丽娜尔·艾力", "15935541122", "140404001001", "wage-arrears", "complaint",
     "工地拖欠三个月工资"),
    ("白音", "18635509876", "140403002001", "legal-aid", "help", "租房押金纠纷，想申请法律援助"),
]  # fmt: skip


class Command(BaseCommand):
    help = "Send realistic platform calls and tickets, signed, to a running Tongcheng server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="The server.")
        parser.add_argument("--platform", default="12345", help="The platform's code.")
        parser.add_argument("--secret-env", default="PLATFORM_SECRET")
        parser.add_argument("--calls", type=int, default=5, help="How many calls to play.")
        parser.add_argument("--seed", type=int, default=None, help="For a repeatable run.")

    def handle(self, *args: Any, url: str, platform: str, secret_env: str, calls: int,
               seed: int | None, **options: Any) -> None:  # fmt: skip
        secret = os.environ.get(secret_env, "")
        if not secret:
            raise CommandError(f"Set {secret_env} to the platform's shared secret.")
        endpoint = f"{url.rstrip('/')}/api/v1/hotline/platforms/{platform}/events"
        chance = random.Random(seed)
        stamp = int(time.time())
        for number in range(calls):
            name, phone, community, service, nature, words = chance.choice(CALLERS)
            call = {"type": "call", "call_id": f"sim-{stamp}-{number}", "phone": phone}
            events = [call | {"event": e} for e in ("ringing", "answered", "ended")]
            if chance.random() < 0.2:
                events[1], events[2] = events[2], events[1]  # answered arrives after ended
            ticket = {
                "type": "ticket", "ticket_id": f"SIM-{stamp}-{number}", "caller_name": name,
                "caller_phone": phone, "community": community, "service": service,
                "nature": nature, "description": words,
            }  # fmt: skip
            sends = [events[0], events[1], ticket, events[2]]
            if chance.random() < 0.3:
                sends.append(ticket)  # delivered twice
            for event in sends:
                status, answer = _post(endpoint, secret, event)
                self.stdout.write(
                    f"{event['type']:6} {event.get('event', ''):8} → {status} {answer}"
                )


def _post(endpoint: str, secret: str, event: dict[str, Any]) -> tuple[int, str]:
    body = json.dumps(event, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", **signed_headers(secret, body)}
    request = urllib.request.Request(endpoint, data=body, method="POST", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
