"""The bodies the ledger API takes and answers with (their names are the OpenAPI components).

Input schemas forbid unknown keys (a typo is refused, never silently dropped) and make every
field optional: the scope check (404) comes before any validation, and missing or bad values get
the messages of the form or validation the pages use, naming the field.
"""

# No `from __future__ import annotations`: ninja and pydantic read the annotations at runtime.
from datetime import date

from ninja import Schema
from pydantic import ConfigDict


class PersonOut(Schema):
    id: int
    version: int
    name: str
    ethnicity: str
    sex: str
    birth_date: date | None
    id_number_masked: str
    phone_masked: str
    origin_region: str | None
    origin_text: str
    community: str
    occupation: str
    occupation_text: str
    employer: str
    arrived_on: date | None
    permit_kind: str
    permit_expires_on: date | None
    status: str
    status_since: date


class PersonDetailOut(PersonOut):
    address: str
    credit_code: str
    permit_issued_on: date | None
    notice_given_on: date | None
    origin_verified_on: date | None
    address_verified_on: date | None
    occupation_verified_on: date | None
    notes: str


class PersonPage(Schema):
    items: list[PersonOut]
    page: int
    has_next: bool


class PersonIn(Schema):
    """A file's fields as text, exactly as the form and the import take them."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    ethnicity: str | None = None
    id_number: str | None = None
    sex: str | None = None
    birth_date: str | None = None
    phone: str | None = None
    origin: str | None = None
    origin_region: str | None = None
    address: str | None = None
    occupation: str | None = None
    occupation_text: str | None = None
    employer: str | None = None
    credit_code: str | None = None
    arrival_date: str | None = None
    permit_kind: str | None = None
    permit_number: str | None = None
    permit_issued: str | None = None
    permit_expires: str | None = None
    notes: str | None = None


class PersonCreateIn(PersonIn):
    community: str


class ErrorOut(Schema):
    detail: str
    errors: list[dict[str, str]] = []
    person_id: int | None = None


class AreaRef(Schema):
    code: str
    name: str


class VisitOut(Schema):
    id: int
    visited_on: date
    officer: str
    outcome: str
    verified_origin: bool
    verified_address: bool
    verified_occupation: bool
    notes: str


class VisitPage(Schema):
    items: list[VisitOut]
    page: int
    has_next: bool


class VisitIn(Schema):
    """A visit as the visit form takes it; address/phone/occupation are corrections ("" = none)."""

    model_config = ConfigDict(extra="forbid")

    visited_on: str | None = None
    outcome: str | None = None
    verified_origin: bool = False
    verified_address: bool = False
    verified_occupation: bool = False
    address: str | None = None
    phone: str | None = None
    occupation: str | None = None
    occupation_text: str | None = None
    notes: str | None = None


class MovementOut(Schema):
    id: int
    kind: str
    state: str
    from_community: AreaRef
    to_community: AreaRef | None
    moved_on: date
    reason: str


class MovementPage(Schema):
    items: list[MovementOut]
    page: int
    has_next: bool


class MovementIn(Schema):
    """kind: address_change, moved_away, returned_home, settled, reactivated or transfer."""

    model_config = ConfigDict(extra="forbid")

    kind: str | None = None
    moved_on: str | None = None
    reason: str | None = None
    # address_change / reactivated: a new address and/or a community inside the caller's area.
    address: str | None = None
    community: str | None = None
    # transfer: the receiving community (12-digit code), outside the caller's area.
    to_community: str | None = None


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: str | None = None  # "accept" or "decline"
