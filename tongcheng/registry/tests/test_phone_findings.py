"""What a new community officer found on a phone: words instead of codes, only the buttons a role
may use, likely duplicates before saving, the transfer picked by name, the visit list by building,
form errors summarised at the top. Pages are read as the Chinese interface shows them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import audit_record
from tongcheng.conftest import Cast
from tongcheng.registry.actions.duplicates import duplicates_record
from tongcheng.registry.models import DuplicateCandidate, Movement, Person, PersonChange
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

A = "140403001001"
B = "140403002001"
CREATE = reverse("registry:person_create")
DUE = reverse("registry:visits_due")


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def page(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_it_translates_the_empty_choice_of_every_select() -> None:
    # Django 6.1's blank choice of model choice fields; its own catalogue has no Chinese yet.
    assert zh("- Select an option -") == "- 请选择 -"


def test_it_offers_the_read_only_inspector_no_write_button(cast: Cast) -> None:
    person = make_person(A, address="英雄路2号")
    writes = [
        reverse("registry:visit_create", args=[person.pk]),
        reverse("registry:movement_create", args=[person.pk]),
        reverse("registry:transfer_request", args=[person.pk]),
    ]
    inspector = page(
        cast.client("inspector").get(reverse("registry:person_detail", args=[person.pk]))
    )
    officer = page(
        cast.client("community_a").get(reverse("registry:person_detail", args=[person.pk]))
    )
    for url in writes:
        assert f'href="{url}' not in inspector
        assert f'href="{url}' in officer
    due = page(cast.client("inspector").get(DUE))
    assert person.name in due and writes[0] not in due
    assert writes[0] in page(cast.client("community_a").get(DUE))


def test_it_shows_a_files_history_in_words(cast: Cast) -> None:
    person = make_person(A)
    PersonChange.objects.create(
        person=person, user=None, action="person.visit", fields=["address_verified_on", "address"]
    )
    PersonChange.objects.create(person=person, user=None, action="person.seed", fields=[])
    html = page(cast.client("community_a").get(reverse("registry:person_detail", args=[person.pk])))
    history = html[html.index('id="history-heading"') :]
    assert "person.visit" not in history and "person.seed" not in history
    assert "address_verified_on" not in history
    assert zh("Recorded visit") in history and zh("Created demo file") in history
    assert "暂住地址核实日期" in history or "住址核实" in history
    assert zh("current address") in history


def test_it_names_objects_in_words_in_the_audit_trail(cast: Cast) -> None:
    audit_record(actor=cast.city_admin, action="user.view", object_type="user", object_id=24)
    html = page(cast.client("audit_admin").get(reverse("audit:event_list")))
    assert "user 24" not in html
    assert f"{zh('Account')} #24" in html
    history = cast.client("audit_admin").get(reverse("audit:object_history", args=["user", "24"]))
    assert "user 24" not in page(history)


def test_it_gives_the_reason_of_a_denial_in_words(cast: Cast) -> None:
    person = make_person(A)
    cast.client("community_b").get(reverse("registry:person_detail", args=[person.pk]))
    assert AuditEvent.objects.filter(reason="out of scope").exists()
    html = page(cast.client("audit_admin").get(reverse("audit:event_list")))
    assert "out of scope" not in html
    assert zh("Outside the account's area") in html


def test_it_shows_the_recent_actions_in_words(cast: Cast) -> None:
    client = cast.client("community_a")
    client.get(reverse("registry:person_list"))
    html = page(client.get(reverse("home")))
    actions = html[html.index('id="h-actions"') :]
    assert "person.list" not in actions
    assert zh("Viewed file list") in actions


def form(cast: Cast, **fields: str) -> dict[str, object]:
    return {
        "name": "马晓梅",
        "ethnicity": "03",
        "id_number": "",
        "phone": "",
        "origin": "甘肃临夏广河",
        "community": cast.areas["community_a"].pk,
        "address": "东街1号",
        "occupation": "noodle_restaurant",
        **fields,
    }


def test_it_shows_a_likely_duplicate_before_saving(cast: Cast) -> None:
    same = make_person(A, name="马晓梅", id_number="", birth_date=date(1990, 5, 6))
    client = cast.client("community_a")
    typed = form(cast, sex="female", birth_date="1990-05-06", employer="兰州拉面馆")
    response = client.post(CREATE, typed)
    assert response.status_code == 200
    assert Person.objects.count() == 1  # nothing saved yet
    assert [p.pk for p, _ids in response.context["look_alikes"]] == [same.pk]
    html = page(response)
    assert reverse("registry:person_detail", args=[same.pk]) in html
    assert 'name="confirm_new"' in html
    assert 'value="兰州拉面馆"' in html  # what was typed is still there
    response = client.post(CREATE, {**typed, "confirm_new": "1"})
    assert response.status_code == 302
    assert Person.objects.count() == 2
    assert DuplicateCandidate.objects.filter(other=same).exists()


def test_it_shows_a_look_alike_by_phone_but_none_outside_the_scope(cast: Cast) -> None:
    make_person(B, name="白兰", id_number="", phone="13812345678")
    response = cast.client("community_a").post(CREATE, form(cast, phone="13812345678"))
    # The file in community B looks alike but is not community A's to see: created at once.
    assert response.status_code == 302
    near = make_person(A, name="白丽", id_number="", phone="13912345678")
    response = cast.client("community_a").post(CREATE, form(cast, phone="139 1234 5678"))
    assert response.status_code == 200
    assert [p.pk for p, _ids in response.context["look_alikes"]] == [near.pk]


def test_it_carries_the_search_into_the_form_and_marks_required_fields(cast: Cast) -> None:
    client = cast.client("community_a")
    by_name = client.get(CREATE + "?q=马晓梅")
    assert by_name.context["form"]["name"].value() == "马晓梅"
    by_phone = client.get(CREATE + "?q=138 1234 5678")
    assert by_phone.context["form"]["phone"].value() == "13812345678"
    by_suffix = client.get(CREATE + "?q=5678")
    assert not by_suffix.context["form"]["phone"].value()
    html = page(by_name)
    label = re.search(r'<label[^>]*for="id_name"[^>]*>(.*?)</label>', html, re.S)
    assert label and zh("(required)") in label.group(1)


def test_it_summarises_form_errors_at_the_top(cast: Cast) -> None:
    person = make_person(A)
    url = reverse("registry:visit_create", args=[person.pk])
    response = cast.client("community_a").post(url, {"version": person.version, "visited_on": ""})
    html = page(response)
    summary = html.index("tc-error-summary")
    assert summary < html.index('name="visited_on"')
    links = set(re.findall(r'href="(#id_[a-z_0-9]+)"', html))
    assert {"#id_visited_on", "#id_outcome_0"} <= links, links
    assert "tc-field-error" in html


def test_it_picks_the_receiving_community_by_name_and_keeps_the_reason(cast: Cast) -> None:
    person = make_person(A)
    url = reverse("registry:transfer_request", args=[person.pk])
    client = cast.client("community_a")
    today = timezone.localdate().isoformat()
    typed = {"moved_on": today, "reason": "随子女迁居上党门一带"}
    response = client.post(url, {**typed, "q": "上党门", "find": "1"})
    assert response.status_code == 200 and not Movement.objects.exists()
    html = page(response)
    assert "随子女迁居上党门一带" in html
    assert f'value="{B}"' in html and 'type="radio"' in html
    assert zh("Receiving community (12-digit code)") not in html
    response = client.post(url, {**typed, "q": "上党门", "to_area": B})
    assert response.status_code == 302
    movement = Movement.objects.get()
    assert (movement.to_area.code, movement.reason) == (B, "随子女迁居上党门一带")
    listing = page(client.get(reverse("registry:transfer_list")))
    assert zh("From community") in listing and zh("To community") in listing
    assert "起始日期" not in listing and "截止日期" not in listing


def test_it_asks_before_a_merge_and_names_the_registration_date(cast: Cast) -> None:
    one = make_person(A, name="马晓梅", id_number="", birth_date=date(1990, 5, 6))
    two = make_person(A, name="马晓梅", id_number="", birth_date=date(1990, 5, 6))
    duplicates_record(person=two)
    candidate = DuplicateCandidate.objects.get(other=one)
    html = page(
        cast.client("community_a").get(reverse("registry:duplicate_resolve", args=[candidate.pk]))
    )
    merge_forms = re.findall(r'<form method="post"[^>]*data-confirm="[^"]+"', html)
    assert len(merge_forms) == 3  # keep either side, or dismiss
    assert zh("Registered on") in html and ">在册<" not in html


def test_it_filters_visits_due_by_community_and_counts_them(cast: Cast) -> None:
    make_person(A, name="马甲", address="英雄路2号")
    make_person(B, name="白乙", address="太行街3号")
    client = cast.client("district")
    everything = client.get(DUE)
    assert everything.context["page"].paginator.count == 2
    only_a = client.get(DUE + f"?community={A}")
    assert [r["person"].name for r in only_a.context["rows"]] == ["马甲"]
    html = page(only_a)
    assert (
        zh("%(counter)s file due for a visit").replace("%(counter)s", "1")
        in re.sub(r"\s+", " ", html)
        or "待走访档案 1 份" in html
    )
    assert f"community={A}&amp;print=1" in html
    bad = client.get(DUE + "?community=999999999999")
    assert bad.status_code == 200 and bad.context["form"].errors["community"]


def test_it_prints_the_visit_list_by_building_as_one_audit_read(cast: Cast) -> None:
    first = make_person(A, name="马一", address="建设路12号3号楼2单元403室")
    second = make_person(A, name="马二", address="建设路12号3号楼1单元101室")
    third = make_person(A, name="马三", address="英雄路7号")
    make_person(B, name="白四", address="建设路12号3号楼1单元102室")
    response = cast.client("district").get(DUE + f"?community={A}&print=1")
    assert response.status_code == 200
    groups = {b: [r["person"].pk for r in rows] for b, rows in response.context["buildings"]}
    assert groups == {"建设路12号3号楼": [second.pk, first.pk], "英雄路7号": [third.pk]}
    html = page(response)
    assert "建设路12号3号楼1单元101室" in html and "白四" not in html
    events = AuditEvent.objects.filter(action="person.list", detail__page="visit_sheet")
    assert events.count() == 1
    assert sorted(events.get().detail["ids"]) == sorted([first.pk, second.pk, third.pk])


PROMISE = (
    "The files of your areas that match the filters, in the usual ledger layout. ID and phone "
    "numbers are masked unless you ask for full numbers and say why. Every export is recorded."
)


def test_it_promises_full_numbers_only_to_roles_that_may_ask(cast: Cast) -> None:
    officer = page(cast.client("community_a").get(reverse("registry:export")))
    assert 'name="identified"' not in officer
    assert zh(PROMISE) not in officer
    district = page(cast.client("district").get(reverse("registry:export")))
    assert 'name="identified"' in district
    assert zh(PROMISE) in district


def test_it_says_the_same_of_three_facts_for_a_new_and_a_visited_file(cast: Cast) -> None:
    new = make_person(A, address="英雄路2号", origin_region="640324", occupation="vendor")
    day = timezone.localdate() - timedelta(days=3)
    seen = make_person(
        A,
        address="英雄路3号",
        origin_region="640324",
        occupation="vendor",
        origin_verified_on=day,
        address_verified_on=day,
        occupation_verified_on=day,
    )
    client = cast.client("community_a")
    for person, expected in ((new, zh("not yet verified by a visit")), (seen, day.isoformat())):
        html = page(client.get(reverse("registry:person_detail", args=[person.pk])))
        facts = html[html.index('id="three-heading"') : html.index('id="household-heading"')]
        assert "✗" not in facts and facts.count("✓") == 3
        assert facts.count(expected) == 3
        assert zh("never") not in facts
