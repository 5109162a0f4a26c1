"""Registering a new file: search first, then the form, checked before it is saved.

The check (actions.searches.registration_check) is a look-up, counted and audited: a known ID
number in the officer's scope shows its file with what was typed kept (and a way to copy it
into that file's edit page), a look-alike asks for confirmation, a number held elsewhere is
refused without naming the file.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongcheng.org.models import User
from tongcheng.registry.access import may_change_file
from tongcheng.registry.actions import persons as person_actions
from tongcheng.registry.actions import searches as search_actions
from tongcheng.registry.actions.searches import RegistrationCheck
from tongcheng.registry.errors import DuplicateIdNumber, IdNumberElsewhere, LookupLimitReached
from tongcheng.registry.forms.persons import PersonForm, initial_from_search
from tongcheng.registry.identifiers import masked
from tongcheng.registry.models import Person
from tongcheng.registry.views.persons import creatable_communities

ID_NUMBER_ELSEWHERE = gettext_lazy(
    "A file with this ID number exists in another community — request a transfer from that "
    "community."
)


def _search_first(request: HttpRequest, user: User, q: str) -> list[Person]:
    """The create page's search box: the search writes its own event (person.search, or
    person.lookup, counted against the day's exact-number searches)."""
    if not q:
        return []
    try:
        return search_actions.person_search(actor=user, q=q, per_page=10).items
    except LookupLimitReached as exc:
        messages.error(request, exc.message)
        return []


def person_create(request: HttpRequest) -> HttpResponse:
    """Search first (GET), then the form. A POST is checked before saving (counted and audited
    as a look-up: actions.searches.registration_check): a known ID number shows its file with
    what was typed kept, a look-alike asks for confirmation, a number held elsewhere is refused.
    """
    user = cast(User, request.user)
    communities = creatable_communities(user)
    form = PersonForm(request.POST or None, communities=communities)
    check = RegistrationCheck()
    status = 200
    if request.method == "POST" and form.is_valid() and form.data_input:
        try:
            check = search_actions.registration_check(
                actor=user, data=form.data_input, look_alikes=not request.POST.get("confirm_new")
            )
        except LookupLimitReached as exc:
            form.add_error(None, exc.message)
            status = 429
        else:
            if check.clear:
                try:
                    person = person_actions.person_create(
                        actor=user,
                        community=form.cleaned_data["community"],
                        data=form.data_input,
                        notice_given=bool(request.POST.get("notice_given")),
                    )
                except DuplicateIdNumber as exc:
                    # Saved meanwhile by someone else (the database's one file per number).
                    check = RegistrationCheck(existing=exc.person)
                except IdNumberElsewhere:
                    check = RegistrationCheck(elsewhere=True)
                else:
                    messages.success(request, _("The file was created."))
                    for warning in form.warnings:
                        messages.warning(request, warning)
                    return redirect("registry:person_detail", pk=person.pk)
            if check.elsewhere:
                form.add_error("id_number", ID_NUMBER_ELSEWHERE)
            elif check.existing is not None:
                status = 409
    elif request.method == "GET":
        if communities.count() == 1:
            form.initial["community"] = communities.first()
        form.initial.update(initial_from_search(request.GET.get("q", "")))
    # The search-first box searches on GET only: a POST's one event is its check's.
    q = (request.GET.get("q") or "").strip()
    matches = _search_first(request, user, q) if request.method == "GET" else []
    context = {
        "form": form,
        "matches": [(p, masked(p)) for p in matches],
        "q": q or request.POST.get("name", ""),
        "searched": bool(q) and request.method == "GET",
        "existing": (check.existing, masked(check.existing)) if check.existing else None,
        "existing_writable": bool(check.existing and may_change_file(user, check.existing)),
        "look_alikes": [(p, masked(p)) for p in check.look_alikes],
    }
    if form.errors and status == 200:
        status = 400
    return render(request, "registry/person_create.html", context, status=status)
