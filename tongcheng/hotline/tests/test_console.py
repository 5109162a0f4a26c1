"""The operator console: the screen pop of a number, the intake of a call, today's follow-ups."""

from __future__ import annotations

from typing import Any

import pytest

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor
from tongcheng.cases.models import Case
from tongcheng.cases.tests.factories import service
from tongcheng.hotline.actions.platform import call_event, platform_register
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


def intake(**changes: Any) -> dict[str, Any]:
    return {
        "caller_name": "阿依古丽", "caller_phone": PHONE, "community": "140403001001",
        "service": service().pk, "nature": "help", "urgency": "normal", "interpreter": "",
        "description": "想找一份餐饮工作", "then": "open",
    } | changes  # fmt: skip


def test_it_lets_only_operators_open_the_console(cast: Any, client: Any) -> None:
    assert client.get("/hotline/console/").status_code == 302
    assert cast.client("community_a").get("/hotline/console/").status_code == 403
    assert cast.client("liaison").get("/hotline/console/").status_code == 403
    assert cast.client("hotline").get("/hotline/console/").status_code == 200


def test_it_pops_the_files_and_cases_of_a_number_masked_and_audits_once(cast: Any) -> None:
    person = make_person("140403001001", name="马晓梅", phone=PHONE)
    page = cast.client("hotline").get("/hotline/console/", {"phone": PHONE}).content.decode()
    assert "马**" in page or "马*梅" in page
    assert "马晓梅" not in page
    events = AuditEvent.objects.filter(action="hotline.console")
    assert events.count() == 1 and events.get().detail["ids"] == [person.pk]
    assert PHONE not in str(events.get().detail)


def test_it_pops_a_ringing_platform_call(cast: Any) -> None:
    service()
    platform = platform_register(
        actor=Actor.system("t"), code="12345", name="12345", secret="x" * 20
    )
    call = call_event(platform=platform, call_id="c1", phone=PHONE, state="ringing")
    client = cast.client("hotline")
    assert "139****5678" in client.get("/hotline/console/calls/").content.decode()
    page = client.get("/hotline/console/", {"call": call.pk}).content.decode()
    assert f'value="{PHONE}"' in page  # the intake's phone, from the call


def test_it_opens_a_case_for_a_caller_without_a_file(cast: Any) -> None:
    answer = cast.client("hotline").post("/hotline/console/intake/", intake())
    case = Case.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{case.pk}/"
    assert case.channel == "hotline" and case.state == "received" and case.person is None


def test_it_opens_and_dispatches_to_the_default_unit(cast: Any) -> None:
    cast.client("hotline").post("/hotline/console/intake/", intake(then="dispatch"))
    case = Case.objects.get()
    assert case.state == "dispatched" and case.lead_department.code == "140403-hrss"


def test_it_closes_a_consultation_answered_during_the_call(cast: Any) -> None:
    client = cast.client("hotline")
    refused = client.post("/hotline/console/intake/", intake(then="direct", nature="consultation"))
    assert refused.status_code == 400 and not Case.objects.exists()
    answered = intake(then="direct", nature="consultation", answer="持身份证到社区办理")
    client.post("/hotline/console/intake/", answered)
    case = Case.objects.get()
    assert case.state == "closed" and case.closure == "direct"


def test_it_links_the_popped_file_only_if_it_has_the_callers_number(cast: Any) -> None:
    mine = make_person("140403001001", name="马晓梅", phone=PHONE)
    other = make_person("140403001001", name="马小兰", phone="13800000000")
    client = cast.client("hotline")
    assert client.post("/hotline/console/intake/", intake(person=other.pk)).status_code == 404
    assert not Case.objects.exists()
    client.post("/hotline/console/intake/", intake(person=mine.pk, caller_name=""))
    case = Case.objects.get()
    assert case.person == mine and case.caller_name_enc == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"caller_phone": "12ab"}, "caller_phone"), ({"community": "140403001999"}, "community"),
     ({"caller_name": ""}, "caller_name"), ({"description": ""}, "description")],
)  # fmt: skip
def test_it_names_the_field_of_a_bad_intake(cast: Any, changes: Any, field: str) -> None:
    answer = cast.client("hotline").post("/hotline/console/intake/", intake(**changes))
    assert answer.status_code == 400
    assert f'id="id_{field}"' in answer.content.decode()
    assert 'aria-invalid="true"' in answer.content.decode()
    assert not Case.objects.exists()


def test_it_suggests_communities_of_the_scope_by_name(cast: Any) -> None:
    answer = cast.client("hotline").get("/hotline/console/communities/", {"community": "和平"})
    assert "140403001001" in answer.content.decode()
