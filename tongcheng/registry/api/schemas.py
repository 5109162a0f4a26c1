"""The bodies the ledger API takes and answers with (their names are the OpenAPI components).

Input schemas forbid unknown keys (a typo is refused, never silently dropped) and make every
field optional: the scope check (404) comes before any validation, and missing or bad values get
the messages of the form or validation the pages use, naming the field. Every text field also
carries the shared text rule of its field (`Text`: validation.TEXT_LIMITS and text_problem), the
rule the forms and the import apply: a lone surrogate, a NUL, a reversing character or an
over-long value is refused here, before anything stores or encodes it, and the document
publishes each field's maxLength.
"""

# No `from __future__ import annotations`: ninja and pydantic read the annotations at runtime.
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from tongcheng.org.apierrors import ApiError
from tongcheng.registry.models import Movement, Visit
from tongcheng.registry.validation import FIELD_LABELS, TEXT_LIMITS, text_issue


@dataclass(frozen=True)
class Text:
    """The text rule of the field `key` (validation.TEXT_LIMITS), on a schema's str field."""

    key: str
    label: Any = None

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        json_schema = handler(schema)
        json_schema["maxLength"] = TEXT_LIMITS[self.key]
        return json_schema

    def check(self, value: str) -> str:
        """The value without the whitespace at its ends, as a form field cleans it (so " " is
        no value, as on the page), or the rule's error naming the field."""
        problem = text_issue(self.key, value)
        if problem is None:
            return value.strip()
        label = self.label if self.label is not None else FIELD_LABELS.get(self.key, self.key)
        message = _("%(field)s: %(message)s") % {"field": label, "message": problem.message}
        # pydantic formats the template with its context: braces in it are not ours.
        raise PydanticCustomError(problem.code, message.replace("{", "(").replace("}", ")"))


class PersonOut(Schema):
    id: int
    version: int
    name: str
    ethnicity: str
    sex: str
    # "1985-03": year and month; the full date only with the reveal (docs/security.md).
    birth_month: str | None
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

    name: Annotated[str, Text("name")] | None = None
    ethnicity: Annotated[str, Text("ethnicity")] | None = None
    id_number: Annotated[str, Text("id_number")] | None = None
    sex: Annotated[str, Text("sex")] | None = None
    birth_date: Annotated[str, Text("birth_date")] | None = None
    phone: Annotated[str, Text("phone")] | None = None
    origin: Annotated[str, Text("origin")] | None = None
    origin_region: Annotated[str, Text("origin_region")] | None = None
    address: Annotated[str, Text("address")] | None = None
    occupation: Annotated[str, Text("occupation")] | None = None
    occupation_text: Annotated[str, Text("occupation_text")] | None = None
    employer: Annotated[str, Text("employer")] | None = None
    credit_code: Annotated[str, Text("credit_code")] | None = None
    arrival_date: Annotated[str, Text("arrival_date")] | None = None
    permit_kind: Annotated[str, Text("permit_kind")] | None = None
    permit_number: Annotated[str, Text("permit_number")] | None = None
    permit_issued: Annotated[str, Text("permit_issued")] | None = None
    permit_expires: Annotated[str, Text("permit_expires")] | None = None
    notes: Annotated[str, Text("notes")] | None = None


class PersonCreateIn(PersonIn):
    community: Annotated[str, Text("choice", _("Community"))]


class ErrorOut(ApiError):
    """The API's one error shape (org.apierrors), and the file a 409 found."""

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

    visited_on: (
        Annotated[str, Text("choice", Visit._meta.get_field("visited_on").verbose_name)] | None
    ) = None
    outcome: (
        Annotated[str, Text("choice", Visit._meta.get_field("outcome").verbose_name)] | None
    ) = None
    verified_origin: bool = False
    verified_address: bool = False
    verified_occupation: bool = False
    address: Annotated[str, Text("address")] | None = None
    phone: Annotated[str, Text("phone")] | None = None
    occupation: Annotated[str, Text("occupation")] | None = None
    occupation_text: Annotated[str, Text("occupation_text")] | None = None
    notes: Annotated[str, Text("notes")] | None = None


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

    kind: Annotated[str, Text("choice", Movement._meta.get_field("kind").verbose_name)] | None = (
        None
    )
    moved_on: (
        Annotated[str, Text("choice", Movement._meta.get_field("moved_on").verbose_name)] | None
    ) = None
    reason: (
        Annotated[str, Text("reason", Movement._meta.get_field("reason").verbose_name)] | None
    ) = None
    # address_change / reactivated: a new address and/or a community inside the caller's area.
    address: Annotated[str, Text("address")] | None = None
    community: Annotated[str, Text("choice", _("Community"))] | None = None
    # transfer: the receiving community (12-digit code), outside the caller's area.
    to_community: Annotated[str, Text("choice", _("Receiving community"))] | None = None


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: Annotated[str, Text("choice", _("Decision"))] | None = None  # "accept" or "decline"
