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
    events = AuditEvent.objects.filter(action__startswith="hotline.")
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
    assert PHONE not in page and "139****5678" in page  # the number stays on the server
    assert f'name="call" value="{call.pk}"' in page


def test_a_case_for_a_call_takes_the_calls_number_and_the_call_once(cast: Any) -> None:
    service()
    platform = platform_register(
        actor=Actor.system("t"), code="12345", name="12345", secret="x" * 20
    )
    call = call_event(platform=platform, call_id="c1", phone=PHONE, state="ringing")
    mine = make_person("140403001001", name="马晓梅", phone=PHONE)
    other = make_person("140403001001", name="马小兰", phone="13800000000")
    client = cast.client("hotline")
    # A file of another number, with that number typed: refused (the call's number counts).
    forged = intake(call=call.pk, person=other.pk, caller_phone="13800000000", caller_name="")
    assert client.post("/hotline/console/intake/", forged).status_code == 404
    taken = intake(call=call.pk, person=mine.pk, caller_name="", caller_phone="")
    assert client.post("/hotline/console/intake/", taken).status_code == 302
    case = Case.objects.get()
    assert case.person == mine
    call.refresh_from_db()
    assert call.case == case
    # The call is taken: a second case for it is refused and nothing is opened.
    assert client.post("/hotline/console/intake/", intake(call=call.pk)).status_code == 400
    assert Case.objects.count() == 1


def test_it_counts_and_audits_a_typed_number_with_its_keyed_hash(cast: Any) -> None:
    from django.test import override_settings

    from tongcheng.registry.identifiers import phone_hash

    client = cast.client("hotline")
    with override_settings(LOOKUP_LIMIT_PER_DAY=1):
        client.get("/hotline/console/", {"phone": PHONE})
        event = AuditEvent.objects.get(action="hotline.lookup")
        assert event.detail["phone_hash"] == phone_hash(PHONE)
        refused = client.get("/hotline/console/", {"phone": PHONE}).content.decode()
    assert AuditEvent.objects.filter(action="hotline.lookup").count() == 1
    assert "这个号码" not in refused or "上限" in refused


def test_an_odd_call_id_is_no_call(cast: Any) -> None:
    assert cast.client("hotline").get("/hotline/console/", {"call": "²"}).status_code == 200


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
