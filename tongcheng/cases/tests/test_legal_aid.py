"""Legal aid: the district's volunteer team, assigning a case only with the consent on file, the
volunteer seeing only their cases, and a withdrawal ending that at once."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.servicemodels import LegalAidAssignment, LegalVolunteer
from tongcheng.cases.tests.factories import open_case
from tongcheng.cases.tests.test_service_steps import post
from tongcheng.lib.roles import Role
from tongcheng.org.models import Membership, User
from tongcheng.registry.actions.household import consent_withdraw
from tongcheng.registry.models import Consent
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db
A = "140403001001"


def team_member(cast: Any, username: str = "volunteer") -> LegalVolunteer:
    district = cast.areas["district"]
    return LegalVolunteer.objects.create(
        user=User.objects.get(username=username), district=district, area_code=district.code,
        name="王律师", contact="13900000000", skills="劳动争议",
    )  # fmt: skip


def legal_case(cast: Any, *, consent: bool) -> Any:
    person = make_person(A, name="买买提·艾力")
    if consent:
        Consent.objects.create(
            person=person, kind=Consent.Kind.LEGAL_AID_SHARING, given_on=date(2026, 1, 5)
        )
    return open_case(cast.community_a, person.community, person=person, caller_name="",
                     service_code="legal-aid")  # fmt: skip


def test_it_refuses_to_assign_without_the_consent_and_says_why(cast: Any) -> None:
    volunteer = team_member(cast)
    case = legal_case(cast, consent=False)
    office = cast.client("district")
    page = office.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "legal-aid volunteers is not on file" in page or "法律援助志愿者" in page
    assert f'action="/cases/{case.pk}/service/assign/"' not in page
    refused = post(office, case, "assign", volunteer=volunteer.pk)
    assert refused.status_code == 409 and not LegalAidAssignment.objects.exists()


def test_it_lets_the_volunteer_see_only_their_case_until_the_consent_is_withdrawn(
    cast: Any,
) -> None:
    volunteer = team_member(cast)
    case = legal_case(cast, consent=True)
    other = legal_case(cast, consent=True)
    url = reverse("cases:case_detail", args=[case.pk])
    mine = cast.client("volunteer")
    assert mine.get(url).status_code == 404  # not assigned yet
    assert post(cast.client("district"), case, "assign", volunteer=volunteer.pk).status_code == 302
    assert AuditEvent.objects.filter(action="case.assign", object_id=str(case.pk)).count() == 1
    page = mine.get(url)
    assert page.status_code == 200 and "买买提·艾力" in page.content.decode()
    listed = mine.get(reverse("cases:case_list")).content.decode()
    assert url in listed and reverse("cases:case_detail", args=[other.pk]) not in listed
    assert mine.get(reverse("cases:case_detail", args=[other.pk])).status_code == 404
    # Read only: no move, no step.
    assert post(mine, case, "assign", volunteer=volunteer.pk).status_code == 403
    consent = Consent.objects.get(person=case.person)
    consent_withdraw(actor=cast.community_a, consent=consent)
    # At once, on the next request: no cache between the withdrawal and the answer.
    assert mine.get(url).status_code == 404
    assert url not in mine.get(reverse("cases:case_list")).content.decode()
    office_page = cast.client("district").get(url).content.decode()
    assert "志愿者已不能查看此诉求" in office_page
    # Consent given again is a new consent: the old assignment stays ended until the office
    # gives the case anew.
    Consent.objects.create(
        person=case.person, kind=Consent.Kind.LEGAL_AID_SHARING, given_on=date.today()
    )
    assert mine.get(url).status_code == 404
    assert post(cast.client("district"), case, "assign", volunteer=volunteer.pk).status_code == 302
    assert mine.get(url).status_code == 200


def test_it_offers_only_the_districts_team(cast: Any) -> None:
    team_member(cast)
    outsider_user = User.objects.create(username="shangdang.volunteer")
    Membership.objects.create(
        user=outsider_user, role=Role.LEGAL_VOLUNTEER, area=cast.areas["other_district"]
    )
    district = cast.areas["other_district"]
    outsider = LegalVolunteer.objects.create(
        user=outsider_user, district=district, area_code=district.code, name="李律师",
        contact="13900000001",
    )  # fmt: skip
    case = legal_case(cast, consent=True)
    page = cast.client("district").get(reverse("cases:case_detail", args=[case.pk]))
    assert "王律师" in page.content.decode() and "李律师" not in page.content.decode()
    refused = post(cast.client("district"), case, "assign", volunteer=outsider.pk)
    assert refused.status_code == 400 and not LegalAidAssignment.objects.exists()


def test_it_keeps_the_roster_on_the_district_offices_page(
    cast: Any, django_assert_num_queries: Any
) -> None:
    url = reverse("cases:volunteer_list")
    assert Client().get(url).status_code == 302
    assert cast.client("community_a").get(url).status_code == 403
    office = cast.client("district")
    form = {"account": cast.volunteer.pk, "district": cast.areas["district"].pk, "name": "",
            "contact": "139", "active": "on"}  # fmt: skip
    create = reverse("cases:volunteer_create")
    assert office.get(create).status_code == 200
    missing = office.post(create, form)
    assert missing.status_code == 400 and not LegalVolunteer.objects.exists()
    assert "/org/users/new/" not in office.get(create).content.decode()  # an account to choose
    assert office.post(create, {**form, "name": "王律师"}).status_code == 302
    volunteer = LegalVolunteer.objects.get()
    # Every volunteer account is on the team now: the page says how to make another.
    assert reverse("org:user_create") in office.get(create).content.decode()
    assert AuditEvent.objects.filter(action="volunteer.create").count() == 1
    # An account without the volunteer role cannot be put on the team.
    again = office.post(create, {**form, "account": cast.street.pk, "name": "张"})
    assert again.status_code == 400
    edit = reverse("cases:volunteer_edit", args=[volunteer.pk])
    assert cast.client("other_district").get(edit).status_code == 404
    assert cast.client("inspector").post(edit).status_code == 403
    saved = office.post(edit, {"name": "王律师", "contact": "13900000002", "skills": "婚姻家庭"})
    assert saved.status_code == 302
    assert LegalVolunteer.objects.get().active is False  # unchecked: off the team
    for n in range(3):
        user = User.objects.create(username=f"volunteer.{n}")
        Membership.objects.create(user=user, role=Role.LEGAL_VOLUNTEER, area=cast.areas["district"])
        LegalVolunteer.objects.create(
            user=user, district=cast.areas["district"], area_code="140403000000",
            name=f"志愿者{n}", contact="1",
        )  # fmt: skip
    office.get(url)
    # session, account, memberships (the shell), savepoint, the page of the roster with its
    # districts and accounts, release.
    with django_assert_num_queries(6):
        page = office.get(url)
    assert len(re.findall(r'href="/cases/volunteers/\d+/"', page.content.decode())) == 4
    other = cast.client("other_district").get(url).content.decode()
    assert "王律师" not in other and "志愿者0" not in other
