"""One area: breadcrumb, rollout, counts, service points, children with an htmx filter."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.org.models import Area

pytestmark = pytest.mark.django_db

COMMUNITY_A = "/org/areas/140403001001/"


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(COMMUNITY_A)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_hides_a_community_of_another_street(cast) -> None:
    response = cast.client("community_b").get(COMMUNITY_A)
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        user_id=cast.community_b.pk, object_type="area", object_id="140403001001", outcome="denied"
    ).exists()


def test_it_hides_areas_above_the_users_own(cast) -> None:
    assert cast.client("community_a").get("/org/areas/140403001000/").status_code == 404


def test_it_hides_another_district(cast) -> None:
    assert cast.client("district").get("/org/areas/140404000000/").status_code == 404


def test_it_shows_the_own_community(cast) -> None:
    response = cast.client("community_a").get(COMMUNITY_A)
    assert response.status_code == 200
    body = response.content.decode()
    assert "和平社区少数民族便民服务中心" in body
    # The breadcrumb shows only areas inside the user's scope: none above the community.
    assert response.context["breadcrumb"] == []
    assert response.context["rollout"].stage == "pilot"


def test_it_shows_the_read_only_inspector_the_district(cast) -> None:
    response = cast.client("inspector").get("/org/areas/140403000000/")
    assert response.status_code == 200
    assert response.context["may_edit_rollout"] is False
    assert response.context["may_edit_point"] is False


def test_it_counts_the_sub_areas_of_a_district(cast) -> None:
    response = cast.client("district").get("/org/areas/140403000000/")
    counts = response.context["counts"]
    assert counts["district"] == 0
    assert counts["street"] > 0
    assert counts["community"] > counts["street"]
    assert counts["street"] == len(response.context["page"].paginator.object_list)


def test_it_shows_the_breadcrumb_within_scope(cast) -> None:
    response = cast.client("district").get("/org/areas/140403001001/")
    assert [a.code for a in response.context["breadcrumb"]] == ["140403000000", "140403001000"]


def test_it_inherits_the_rollout_of_the_city_for_other_districts(cast) -> None:
    response = cast.client("city_admin").get("/org/areas/140404000000/")
    state = response.context["rollout"]
    assert state.stage == "citywide"
    assert state.source_area.code == "140400000000"


def test_it_marks_pilot_children_and_city_wide_children(cast) -> None:
    response = cast.client("street").get("/org/areas/140403001000/")
    stages = {child.code: state.stage for child, state in response.context["child_rows"]}
    assert stages["140403001001"] == "pilot"


def test_it_filters_children_and_answers_htmx_with_the_partial(cast) -> None:
    client = cast.client("district")
    response = client.get("/org/areas/140403000000/", {"q": "东街"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="children">')
    assert "东街街道" in body
    assert "西街街道" not in body
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_it_filters_children_without_htmx_too(cast) -> None:
    response = cast.client("district").get("/org/areas/140403000000/", {"q": "西街"})
    body = response.content.decode()
    assert "<html" in body
    names = [child.name for child, _ in response.context["child_rows"]]
    assert "西街街道" in names
    assert all("西街" in name for name in names)


def test_it_paginates_the_villages_of_a_large_town(cast) -> None:
    town = Area.objects.filter(level="street").annotate(n=Count("children")).order_by("-n").first()
    assert town is not None and town.n > 40
    response = cast.client("city_admin").get(f"/org/areas/{town.code}/", {"page": 2})
    assert response.status_code == 200
    assert response.context["page"].number == 2
    assert len(response.context["child_rows"]) <= 40


def test_it_runs_a_fixed_number_of_queries(cast, django_assert_num_queries) -> None:
    client = cast.client("city_admin")
    client.get("/org/areas/140403000000/")
    # 1 session, 2 user, 3 memberships, 4 savepoint, 5 the area, 6 children count (paginator),
    # 7 children page with counts and rollout, 8 rollout entries of the area and its ancestors,
    # 9 ancestors, 10 sub-area counts, 11 service points, 12 own rollout entry (editor),
    # 13 release savepoint.
    with django_assert_num_queries(13):
        assert client.get("/org/areas/140403000000/").status_code == 200


def test_it_audits_a_denial_for_an_overlong_code_without_failing(cast) -> None:  # type: ignore[no-untyped-def]
    # The id comes from the URL: longer than the trail's column, its denial must still be
    # written (PostgreSQL refused the over-long value and the request failed).
    response = cast.client("community_a").get("/org/areas/" + "x" * 70 + "/")
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="deny:org:area_detail")
    assert event.object_id == "x" * 64
