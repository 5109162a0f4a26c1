"""The engagement API's schemas: what goes in (every text under the product's text rule, the
choices as enums) and what comes out (names as the lists show them, phones masked)."""

# No `from __future__ import annotations`: ninja and pydantic read the annotations at runtime.
from datetime import date, datetime
from typing import Annotated, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict, Field

from tongcheng.cases.api.schemas import CODE_LIMIT, Ruled

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
# The models' choices, spelled out: their enums would be named "State", "Kind" … in the
# document, beside other apps' enums of those names (the tests hold them to the models').
AppointmentState = Literal["active", "ended"]
TalkKind = Literal["phone", "visit", "forum"]
TalkTopic = Literal["employment", "schooling", "housing", "disputes", "policy", "other"]
SocialDuty = Literal["opinion", "mediation", "care"]


class Ref(Schema):
    code: str
    name: str


class RepresentativeOut(Schema):
    id: int
    serial: str
    name: str
    has_file: bool
    area: Ref
    term_from: date
    term_to: date
    state: AppointmentState
    ended_on: date | None
    officer: str


class RepresentativeDetailOut(RepresentativeOut):
    phone_masked: str
    ethnicity: str
    office: str
    duties: list[SocialDuty]
    end_reason: str


class RepresentativePage(Schema):
    items: list[RepresentativeOut]
    page: int
    has_next: bool


class RepresentativeCreateIn(Schema):
    """An appointment: of a file (`person`, its id) or of a resident without one (`name`,
    `ethnicity` (its code), `phone`). `officer` is the responsible officer's account id."""

    model_config = ConfigDict(extra="forbid")

    person: Id | None = None
    name: Annotated[str, Ruled(64, _("Name"))] | None = None
    ethnicity: Annotated[str, Ruled(2, _("Ethnic group"))] | None = None
    phone: Annotated[str, Ruled(32, _("Phone"))] | None = None
    area: Annotated[str, Ruled(CODE_LIMIT, _("Area"))]
    term_from: date
    term_to: date
    office: Annotated[str, Ruled(64, _("Appointing office"))]
    officer: Id
    duties: Annotated[list[SocialDuty], Field(min_length=1, max_length=3)] = [
        "opinion",
        "mediation",
        "care",
    ]
    account: Id | None = None


class ContactOut(Schema):
    id: int
    representative: int
    kind: TalkKind
    held_on: date
    officer: str
    topics: list[TalkTopic]
    summary: str
    follow_up: str
    case: str | None
    created_at: datetime


class ContactPage(Schema):
    items: list[ContactOut]
    page: int
    has_next: bool


class ContactCreateIn(Schema):
    """A talk (`kind`, `held_on` and `summary` required); `case_service` (a service's code)
    opens its follow-up as a 三必帮 case at once."""

    model_config = ConfigDict(extra="forbid")

    # Required, but checked after the representative is found (404 first, as the page).
    kind: TalkKind | None = None
    held_on: date | None = None
    summary: Annotated[str, Ruled(500, _("Summary"))] | None = None
    topics: Annotated[list[TalkTopic], Field(max_length=6)] = []
    follow_up: Annotated[str, Ruled(500, _("Follow-up"))] = ""
    case_service: Annotated[str, Ruled(CODE_LIMIT, _("Service"))] | None = None
