"""Access to appointments and contacts: the one way a view fetches one by id.

Fetched through `visible_to` (out of scope: NotInScope, 404); a write needs a writing
membership over the appointment's area (`org.access.may_write` with the writers' roles,
ReadOnly, 403, otherwise).
"""

from __future__ import annotations

from tongcheng.engagement.models import Contact, Representative
from tongcheng.engagement.scope import WRITERS
from tongcheng.org.access import NotInScope, ReadOnly, may_write
from tongcheng.org.models import User


def may_write_in(user: User, area_code: str) -> bool:
    return may_write(user, area_code, WRITERS)


def get_representative_for_user(user: User, pk: int, write: bool = False) -> Representative:
    rep = (
        Representative.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("person", "area", "officer", "account")
        .first()
    )
    if rep is None:
        raise NotInScope("representative", pk)
    if write and not may_write_in(user, rep.area_code):
        raise ReadOnly("representative", pk)
    return rep


def get_contact_for_user(user: User, pk: int, write: bool = False) -> Contact:
    contact = (
        Contact.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("representative", "officer", "case")
        .first()
    )
    if contact is None:
        raise NotInScope("contact", pk)
    if write and not may_write_in(user, contact.area_code):
        raise ReadOnly("contact", pk)
    return contact
