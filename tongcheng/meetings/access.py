"""The one way a view or an operation fetches a meeting or an action item by id.

Out of the user's scope: `NotInScope` (404). A write needs the right kind of scope: the
convening office's steps need a convener's write scope over the meeting's district
(`may_convene`); a liaison's steps need their unit invited (`invitation_of`) or assigned
(`may_report`). Refused: `ReadOnly` (403).
"""

from __future__ import annotations

from tongcheng.meetings.models import ActionItem, Invitation, Meeting
from tongcheng.meetings.scope import CONVENERS, liaison_units
from tongcheng.org.access import NotInScope, ReadOnly, may_write
from tongcheng.org.models import User


def may_convene(user: User, area_code: str) -> bool:
    """Whether the user writes for the office convening meetings in this area."""
    return may_write(user, area_code, CONVENERS)


def get_meeting_for_user(user: User, pk: int, write: bool = False) -> Meeting:
    meeting = (
        Meeting.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("area", "created_by", "issued_by")
        .first()
    )
    if meeting is None:
        raise NotInScope("meeting", pk)
    if write and not may_convene(user, meeting.area_code):
        raise ReadOnly("meeting", pk)
    return meeting


def invitation_of(user: User, meeting: Meeting) -> Invitation:
    """The invitation of the liaison's unit to this meeting (ReadOnly when none of theirs)."""
    invitation = (
        Invitation.objects.filter(meeting=meeting, department_id__in=liaison_units(user))
        .select_related("department")
        .first()
    )
    if invitation is None:
        raise ReadOnly("meeting", meeting.pk, "not invited")
    return invitation


def get_item_for_user(user: User, pk: int, write: bool = False) -> ActionItem:
    item = (
        ActionItem.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("meeting", "meeting__area", "department")
        .first()
    )
    if item is None:
        raise NotInScope("action_item", pk)
    if write and not (may_report(user, item) or may_convene(user, item.area_code)):
        raise ReadOnly("action_item", pk)
    return item


def may_report(user: User, item: ActionItem) -> bool:
    """Whether the user reports for the item's unit (its liaison)."""
    return item.department_id in liaison_units(user)
