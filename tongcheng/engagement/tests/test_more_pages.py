"""The letter of appointment, the festival dates, the compliance figures, a representative's
own page, the file page's section, and the summaries' rebuild command."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from tongcheng.engagement import summaries
from tongcheng.engagement.models import FestivalDate, Representative, Slot
from tongcheng.engagement.tests.factories import appoint, talk
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_it_prints_the_letter_of_appointment(cast: Any) -> None:
    rep = appoint(cast.community_a, cast.areas["community_a"])
    response = cast.client("inspector").get(reverse("engagement:letter_pdf", args=[rep.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert cast.client("community_b").get(
        reverse("engagement:letter_pdf", args=[rep.pk])
    ).status_code == 404  # fmt: skip


def test_it_lets_the_city_office_enter_a_festival_date(cast: Any) -> None:
    listing = cast.client("district").get(reverse("engagement:festival_list")).content.decode()
    assert "2026-05-27" in listing and "2027-05-16" in listing
    url = reverse("engagement:festival_edit", args=[2026])
    assert cast.client("district").get(url).status_code == 403
    client = cast.client("city_admin")
    assert client.post(url, {"eid_al_adha": "2026-05-28", "source": ""}).status_code == 400
    wrong_year = {"eid_al_adha": "2027-05-28", "source": "公告"}
    assert "2026" in client.post(url, wrong_year).content.decode()
    response = client.post(url, {"eid_al_adha": "2026-05-28", "source": "国家民委公告"})
    assert response.status_code == 302
    assert FestivalDate.objects.get(year=2026).eid_al_adha == date(2026, 5, 28)
    assert client.get(reverse("engagement:festival_edit", args=[3000])).status_code == 404


def test_it_shows_the_compliance_of_an_area(cast: Any) -> None:
    rep = appoint(cast.community_a, cast.areas["community_a"], term_from=date(2026, 1, 5))
    talk(cast.community_a, rep, date(2026, 1, 6))
    client = cast.client("leader")
    response = client.get(reverse("engagement:compliance"), {"kind": "week"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "潞州区" in page and "engagement-compliance-data" in page
    street = client.get(reverse("engagement:compliance"), {"area": "140403001000"})
    assert "和平社区" in street.content.decode()
    outside = cast.client("other_district").get(reverse("engagement:compliance"),
                                                {"area": "140403000000"})  # fmt: skip
    assert outside.status_code == 404
    bad = cast.client("district").get(reverse("engagement:compliance"), {"area": "x"})
    assert bad.status_code == 200 and "区划代码为 12 位数字" in bad.content.decode()


def test_it_shows_a_representative_their_appointment(cast: Any) -> None:
    appoint(cast.community_a, cast.areas["community_a"], account=cast.representative)
    page = cast.client("representative").get(reverse("engagement:my_appointment"))
    assert page.status_code == 200 and "TCR2026" in page.content.decode()
    assert cast.client("representative").get(
        reverse("engagement:representative_list")
    ).status_code == 403  # fmt: skip


def test_it_lists_the_appointments_on_the_file_page(cast: Any) -> None:
    person = make_person("140403001001", name="古丽")
    rep = appoint(cast.community_a, cast.areas["community_a"], person=person, name="",
                  ethnicity="", phone="")  # fmt: skip
    page = cast.client("community_a").get(reverse("registry:person_detail", args=[person.pk]))
    text = page.content.decode()
    assert rep.serial in text
    assert reverse("engagement:representative_create_for_file", args=[person.pk]) in text


def test_it_rebuilds_the_summaries(cast: Any) -> None:
    rep = appoint(cast.community_a, cast.areas["community_a"], term_from=date(2026, 1, 5))
    talk(cast.community_a, rep, date(2026, 1, 6))
    Slot.objects.filter(representative=rep).update(done=0)
    with pytest.raises(Exception, match="differ"):
        call_command("rebuild_engagement_summary", "--check", stdout=StringIO())
    call_command("rebuild_engagement_summary", stdout=StringIO())
    call_command("rebuild_engagement_summary", "--check", stdout=StringIO())
    assert summaries.slot_rows() == summaries.recount_slots()
    assert Representative.objects.count() == 1
