"""The review queue of possible duplicates, and resolving one: merge the two files or dismiss."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.org.models import User
from tongcheng.registry.access import get_duplicate_for_user
from tongcheng.registry.actions.duplicates import MERGE_FIELDS, duplicate_dismiss, person_merge
from tongcheng.registry.history import audit_person
from tongcheng.registry.identifiers import masked
from tongcheng.registry.selectors import open_duplicates

PER_PAGE = 50
# Which side of the pair a merge keeps.
KEEP = ("person", "other")


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Open pairs whose two files the user both sees, newest first."""
    candidates = list(open_duplicates(_user(request))[:PER_PAGE])
    ids = sorted({pk for c in candidates for pk in (c.person_id, c.other_id)})
    audit_record(actor=request, action="person.list", object_type="person", detail={"ids": ids})
    rows = [(c, masked(c.person), masked(c.other)) for c in candidates]
    return render(request, "registry/duplicate_list.html", {"rows": rows})


def duplicate_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Side by side; POST action=merge (keep=person|other) or action=dismiss."""
    user = _user(request)
    candidate = get_duplicate_for_user(user, pk, write=request.method == "POST")
    action = request.POST.get("action")
    if request.method == "POST" and action == "dismiss":
        duplicate_dismiss(actor=user, candidate=candidate)
        messages.success(request, _("Marked as two different people."))
        return redirect("registry:duplicate_list")
    if request.method == "POST" and action == "merge" and request.POST.get("keep") in KEEP:
        keep_person = request.POST["keep"] == "person"
        kept, merged = (
            (candidate.person, candidate.other)
            if keep_person
            else (candidate.other, candidate.person)
        )
        person_merge(actor=user, kept=kept, merged=merged)
        messages.success(request, _("The two files were merged into one."))
        return redirect("registry:person_detail", pk=kept.pk)
    for person in (candidate.person, candidate.other):
        audit_person(actor=user, action="person.view", person=person)
    context = {
        "candidate": candidate,
        "sides": [
            ("person", candidate.person, masked(candidate.person)),
            ("other", candidate.other, masked(candidate.other)),
        ],
        "fields": list(MERGE_FIELDS),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/duplicate_resolve.html", context, status=status)
