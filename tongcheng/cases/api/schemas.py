"""The bodies the cases' API takes and answers with (their names are the OpenAPI components).

As in the ledger's API (registry/api/schemas.py): input schemas forbid unknown keys and make
every field optional, so the scope check (404) comes first and a missing value gets the message
of the page's form or of `case_open`, naming the field. Every text field carries the product's
text rule (`Ruled`: lib.textnorm.text_problem with the page's limit), so a lone surrogate, a NUL,
a reversing character or an over-long value is refused before anything stores it, and the
document publishes its maxLength. Closed choices are published as enums.

The contact of a case is answered as the pages show it (identifiers.masked_contact): never the
clear phone.
"""

# No `from __future__ import annotations`: ninja and pydantic read the annotations at runtime.
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from django import forms
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from tongcheng.cases import forms as case_forms
from tongcheng.cases.forms import LINE_LIMIT, TEXT_LIMIT
from tongcheng.cases.models import Case, Channel, Language, Nature, ReturnReason, State, Urgency
from tongcheng.cases.workflow import FollowUp
from tongcheng.lib.textnorm import text_problem
from tongcheng.registry.validation import TEXT_LIMITS

# A code of the reference data (a service, a member unit), or a community's 12 digits.
CODE_LIMIT = 60


@dataclass(frozen=True)
class Ruled:
    """The product's text rule on a schema's str field, with the page's limit and label."""

    limit: int
    label: Any

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        json_schema = handler(schema)
        json_schema["maxLength"] = self.limit
        return json_schema

    def check(self, value: str) -> str:
        """The value without the whitespace at its ends (as a form field cleans it), or the
        rule's error naming the field."""
        problem = text_problem(value, max_length=self.limit)
        if problem is None:
            return value.strip()
        message = _("%(field)s: %(message)s") % {"field": self.label, "message": problem.message}
        # pydantic formats the template with its context: braces in it are not ours.
        raise PydanticCustomError(problem.code, message.replace("{", "(").replace("}", ")"))


def ruled(form: type[forms.Form], name: str, limit: int = TEXT_LIMIT) -> Ruled:
    """The text rule of a move's field, labelled as the page's form labels it."""
    return Ruled(limit, form.base_fields[name].label)


Lead = Annotated[str, ruled(case_forms.DispatchForm, "lead", CODE_LIMIT)]
CoUnits = Annotated[
    list[Annotated[str, ruled(case_forms.DispatchForm, "co", CODE_LIMIT)]], Field(max_length=20)
]


class NamedRef(Schema):
    """A thing of the reference data: a service, a community, a member unit."""

    code: str
    name: str


class CaseOut(Schema):
    """A case as the case list shows it: the contact's name as the page shows it (in full for
    a file, masked for a caller without one)."""

    id: int
    number: str
    version: int
    state: State
    service: NamedRef
    community: NamedRef
    lead_unit: NamedRef | None
    name: str
    received_at: datetime
    due_at: datetime | None
    due_provisional: bool
    overdue: bool
    supervised: bool


class CasePage(Schema):
    items: list[CaseOut]
    page: int
    has_next: bool


class Deadlines(Schema):
    """Each stage's deadline (working hours and days with 调休); `due_at` is the running one."""

    dispatch: datetime | None
    sign: datetime | None
    handle: datetime | None
    follow_up: datetime | None
    due_at: datetime | None
    provisional: bool
    extended: bool


class UnitOut(Schema):
    unit: NamedRef
    is_lead: bool
    state: str
    dispatched_at: datetime
    signed_at: datetime | None
    replied_at: datetime | None
    reply: str


class StepOut(Schema):
    """One row of the case's history."""

    at: datetime
    action: str
    label: str
    from_state: str
    to_state: str
    unit: NamedRef | None
    actor: str | None
    reason: str
    reason_label: str
    text: str


class ExtensionOut(Schema):
    unit: NamedRef
    new_due: str
    reason: str
    requested_at: datetime


class CaseDetailOut(CaseOut):
    """A case with its units, history and deadlines. `phone_masked` is the contact's phone as
    the page shows it; `moves` names the move operations the caller may try now."""

    phone_masked: str
    has_file: bool
    group: str
    nature: str
    urgency: str
    interpreter: str
    channel: str
    description: str
    lead_locked: bool
    returns: int
    reopened: int
    outcome: str
    reply: str
    satisfaction: str
    closure: str
    follow_up_attempts: int
    dispatched_at: datetime | None
    signed_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    deadlines: Deadlines
    units: list[UnitOut]
    history: list[StepOut]
    pending_extension: ExtensionOut | None
    moves: list[str]


class MovedOut(Schema):
    """A case after a move: its new state and version (also the ETag)."""

    id: int
    number: str
    version: int
    state: State
    due_at: datetime | None
    due_provisional: bool


class CaseCreateIn(Schema):
    """A new case: from a file (`person`, its id) or for a caller without one (`caller_name`,
    `caller_phone`, `community`). `lead` (and `co`) dispatch it at once (dispatchers only)."""

    model_config = ConfigDict(extra="forbid")

    person: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    community: Annotated[str, Ruled(CODE_LIMIT, _("Community"))] | None = None
    caller_name: Annotated[str, Ruled(TEXT_LIMITS["name"], _("Caller's name"))] | None = None
    caller_phone: Annotated[str, Ruled(TEXT_LIMITS["phone"], _("Caller's phone"))] | None = None
    service: Annotated[str, ruled(case_forms.CaseOpenForm, "service", CODE_LIMIT)] | None = None
    nature: Nature | None = None
    urgency: Urgency | None = None
    interpreter: Language | None = None
    channel: Channel | None = None
    description: Annotated[str, ruled(case_forms.CaseOpenForm, "description")] | None = None
    lead: Lead | None = None
    co: CoUnits | None = None


class DispatchIn(Schema):
    """`lead` and `co`: member unit codes (GET /departments) serving the case's community."""

    model_config = ConfigDict(extra="forbid")

    lead: Lead | None = None
    co: CoUnits | None = None
    note: Annotated[str, ruled(case_forms.DispatchForm, "note", LINE_LIMIT)] | None = None


class ReturnIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: ReturnReason | None = None
    basis: Annotated[str, ruled(case_forms.ReturnForm, "basis")] | None = None


class ReplyIn(Schema):
    """`outcome`: the lead unit's (a co-handling unit leaves it out)."""

    model_config = ConfigDict(extra="forbid")

    outcome: Case.Outcome | None = None
    reply: Annotated[str, ruled(case_forms.ReplyForm, "reply")] | None = None


class FollowUpIn(Schema):
    model_config = ConfigDict(extra="forbid")

    result: FollowUp | None = None
    comment: Annotated[str, ruled(case_forms.FollowUpForm, "comment")] | None = None


class CloseDirectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answer: Annotated[str, ruled(case_forms.DirectForm, "answer")] | None = None


class ExtensionIn(Schema):
    """`new_due`: the day asked for, YYYY-MM-DD."""

    model_config = ConfigDict(extra="forbid")

    new_due: (
        Annotated[str, ruled(case_forms.ExtensionForm, "new_due", TEXT_LIMITS["choice"])] | None
    ) = None
    reason: Annotated[str, ruled(case_forms.ExtensionForm, "reason")] | None = None


class ExtensionDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "refuse"] | None = None
    note: Annotated[str, ruled(case_forms.DecideExtensionForm, "note", LINE_LIMIT)] | None = None


class SuperviseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    instruction: Annotated[str, ruled(case_forms.SuperviseForm, "instruction")] | None = None
