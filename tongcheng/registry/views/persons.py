"""Pages of a person file: the ledger list, create (search first), detail, edit, reveal,
notice, consents and household.

Files are fetched only through `registry.access.get_person_for_user` (404 out of scope, 403
read-only); lists start from `Person.objects.visible_to(user)`; writes are the actions of
actions.persons and actions.household. Identifiers are masked everywhere except on the reveal
page; every page showing personal data writes an audit event.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongcheng.audit.services import audit_record
from tongcheng.lib.paging import page_number
from tongcheng.lib.roles import AREA_ROLES
from tongcheng.lib.schoolage import is_school_age
from tongcheng.org.access import NotInScope
from tongcheng.org.contributions import file_sections
from tongcheng.org.models import Area, Region, User
from tongcheng.registry.access import get_person_for_user, may_change_file
from tongcheng.registry.actions import household as household_actions
from tongcheng.registry.actions import persons as person_actions
from tongcheng.registry.actions import searches as search_actions
from tongcheng.registry.errors import (
    ConsentAlreadyGiven,
    DuplicateIdNumber,
    IdNumberElsewhere,
    LookupLimitReached,
    RevealRefused,
    StaleVersion,
)
from tongcheng.registry.forms.persons import (
    ConsentForm,
    HouseholdFormSet,
    PersonForm,
    PersonSearchForm,
    RevealForm,
    VersionForm,
    person_initial,
)
from tongcheng.registry.history import audit_person
from tongcheng.registry.identifiers import decrypt, masked
from tongcheng.registry.models import Person
from tongcheng.registry.validation import reference_cache

PER_PAGE = 50


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def creatable_communities(user: User) -> QuerySet[Area]:
    """Communities where the user may create or move files."""
    return Area.objects.communities().writable_by(user, AREA_ROLES)


def _provinces() -> list[tuple[str, str]]:
    refs = reference_cache()
    return [
        (code[:2], region.name)
        for code, region in sorted(refs.regions.items())
        if region.level == Region.Level.PROVINCE
    ]


def _filtered(user: User, form: PersonSearchForm) -> QuerySet[Person]:
    persons = Person.objects.visible_to(user)
    if not form.is_valid():
        return persons
    data = form.cleaned_data
    if data["area"]:
        persons = persons.in_area(data["area"])
    if data["ethnicity"]:
        persons = persons.filter(ethnicity=data["ethnicity"])
    if data["province"]:
        persons = persons.filter(origin_province=data["province"])
    if data["occupation"]:
        persons = persons.filter(occupation=data["occupation"])
    if data["status"]:
        persons = persons.filter(status=data["status"])
    if data["gaps"]:
        persons = persons.with_gaps()
    if data["permit_expiring"]:
        persons = persons.permit_expiring(30)
    return persons


def person_list(request: HttpRequest) -> HttpResponse:
    """The ledger: filters, one search box, 50 masked rows a page (no COUNT over the ledger)."""
    user = _user(request)
    form = PersonSearchForm(
        request.GET or None, areas=Area.objects.visible_to(user), provinces=_provinces()
    )
    persons = _filtered(user, form)
    page = page_number(request.GET.get("page"))
    q = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    status = 200
    if q:
        # One event, written by the action: person.search, or person.lookup (counted per day).
        try:
            result = search_actions.person_search(
                actor=user, q=q, page=page, per_page=PER_PAGE, base=persons
            )
        except LookupLimitReached as exc:
            messages.error(request, exc.message)
            rows, has_next, status = [], False, 429
        else:
            rows, has_next = result.items, result.has_next
    else:
        # visible_to is written as index ranges: the planner walks (area_code, name_pinyin).
        fetched = list(
            persons.select_related("ethnicity", "community")[
                (page - 1) * PER_PAGE : page * PER_PAGE + 1
            ]
        )
        rows, has_next = fetched[:PER_PAGE], len(fetched) > PER_PAGE
        audit_record(
            actor=request,
            action="person.list",
            object_type="person",
            detail={"ids": [p.pk for p in rows]},
        )
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page"])
    context = {
        "form": form,
        "rows": [(person, masked(person)) for person in rows],
        "page": page,
        "has_next": has_next,
        "query": query,
        "may_create": bool(creatable_communities(user)[:1]),
    }
    return render(request, "registry/person_list.html", context, status=status)


def _detail_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    writable = may_change_file(_user(request), person)
    today = timezone.localdate()
    household = [
        (member, bool(member.birth_date and is_school_age(member.birth_date, today)))
        for member in person.household.all()
    ]
    return {
        "person": person,
        "ids": masked(person),
        "address": decrypt(person, "address"),
        "has_permit_number": bool(person.permit_number_enc),
        "origin_label": reference_cache().region_label(person.origin_region_id or ""),
        "three_clear": person.three_clear(),
        "household": household,
        "consents": list(person.consents.all()),
        "changes": list(person.changes.select_related("user")[:20]),
        "writable": writable,
        "consent_form": ConsentForm(),
    }


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_person_for_user(user, pk)
    audit_person(actor=user, action="person.view", person=person)
    context = _detail_context(request, person)
    # What the apps above the ledger keep for this person (its cases …), under the file.
    sections = (section.content(user, person) for section in file_sections())
    context["sections"] = [content for content in sections if content is not None]
    return render(request, "registry/person_detail.html", context)


def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit with optimistic locking: a stale version re-shows the form and writes nothing."""
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    initial = person_initial(person)
    # From the new-file page, whose ID number this file holds: what was typed, over the file's
    # own values where a field was left empty, shown for the officer to check and save.
    status = 200
    review = request.method == "POST" and bool(request.POST.get("review"))
    data, differing = _typed_over(request.POST, initial) if review else (request.POST or None, [])
    form = PersonForm(data, communities=Area.objects.none(), person=person, initial=initial)
    version = VersionForm(
        None if review else request.POST or None, initial={"version": person.version}
    )
    if review:
        labels = "、".join(str(form.fields[name].label) for name in differing)
        messages.info(
            request,
            _(
                "What you typed on the new-file page is filled in where it differs from the "
                "file: %(fields)s. Check each and save. Nothing is saved yet."
            )
            % {"fields": labels or _("nothing differs")},
        )
    elif request.method == "POST" and version.is_valid() and form.is_valid() and form.data_input:
        try:
            person_actions.person_update(
                actor=user,
                person=person,
                expected_version=version.cleaned_data["version"],
                data=form.data_input,
            )
        except StaleVersion:
            fresh = Person.objects.filter(pk=person.pk).values_list("updated_at", flat=True).first()
            when = (
                formats.date_format(timezone.localtime(fresh), "DATETIME_FORMAT") if fresh else ""
            )
            form.add_error(
                None,
                _(
                    "This file was changed by someone else at %(when)s — reload the page to see "
                    "the changes; nothing was saved."
                )
                % {"when": when},
            )
        except (DuplicateIdNumber, IdNumberElsewhere):
            form.add_error("id_number", _("Another file already has this ID number."))
        except LookupLimitReached as exc:
            form.add_error("id_number", exc.message)
            status = 429
        else:
            messages.success(request, _("The file was saved."))
            return redirect("registry:person_detail", pk=person.pk)
    # The form shows the file (its address in clear): a read, whether first shown or re-shown.
    audit_person(actor=user, action="person.view", person=person, detail={"page": "edit"})
    context = {"form": form, "version": version, "person": person, "ids": masked(person)}
    status = status if status != 200 else 400 if form.errors else 200
    return render(request, "registry/person_edit.html", context, status=status)


def _typed_over(typed: QueryDict, initial: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The edit form's data: each field typed on the new-file page, else the file's value; and
    the fields whose typed value differs from the file's (identifiers, never shown, count as
    differing when typed)."""
    data = {name: value for name, value in initial.items() if value not in (None, "")}
    differing: list[str] = []
    for name in PersonForm.base_fields:
        if name != "community" and (value := typed.get(name, "").strip()):
            if str(data.get(name, "")) != value:
                differing.append(name)
            data[name] = value
    return data, differing


def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a reason; on POST show the full ID number and phone once (audited, limited)."""
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    form = RevealForm(request.POST or None)
    revealed: dict[str, str] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            revealed = person_actions.person_reveal(
                actor=user, person=person, reason=form.cleaned_data["reason"]
            )
        except RevealRefused as exc:
            form.add_error("reason", exc.message)
    if revealed is None:
        # The form shows the masked file (name, community); a reveal writes its own event.
        audit_person(actor=user, action="person.view", person=person, detail={"page": "reveal"})
    context = {"person": person, "form": form, "revealed": revealed, "ids": masked(person)}
    response = render(
        request, "registry/person_reveal.html", context, status=400 if form.errors else 200
    )
    response["Cache-Control"] = "no-store"
    return response


def person_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable registration notice; POST records that it was given today."""
    user = _user(request)
    person = get_person_for_user(user, pk, write=request.method == "POST")
    if request.method == "POST":
        person_actions.person_record_notice(actor=user, person=person)
        messages.success(request, _("The notice was recorded as given today."))
        return redirect("registry:person_detail", pk=person.pk)
    audit_person(actor=user, action="person.view", person=person, detail={"page": "notice"})
    writable = may_change_file(user, person)
    return render(request, "registry/person_notice.html", {"person": person, "writable": writable})


@require_POST
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            household_actions.consent_give(
                actor=user,
                person=person,
                kind=form.cleaned_data["kind"],
                given_on=form.cleaned_data["given_on"],
            )
        except ConsentAlreadyGiven:
            messages.error(request, _("This consent is already given and not withdrawn."))
        else:
            messages.success(request, _("The consent was recorded."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(reverse("registry:person_detail", args=[person.pk]) + "#consents")


@require_POST
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    consent = person.consents.filter(pk=consent_pk).first()
    if consent is None:
        raise NotInScope("consent", consent_pk)
    consent.person = person
    household_actions.consent_withdraw(actor=user, consent=consent)
    messages.success(request, _("The consent was withdrawn."))
    return redirect(reverse("registry:person_detail", args=[person.pk]) + "#consents")


def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """All household members on one page: add, edit, remove."""
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    formset = HouseholdFormSet(request.POST or None, instance=person, prefix="members")
    if request.method == "POST" and formset.is_valid():
        members = formset.save(commit=False)
        household_actions.household_save(
            actor=user,
            person=person,
            members=members,
            removed=formset.deleted_objects,
        )
        messages.success(request, _("The household was saved."))
        return redirect("registry:person_detail", pk=person.pk)
    today = timezone.localdate()
    rows = [
        (form, bool(form.instance.birth_date and is_school_age(form.instance.birth_date, today)))
        for form in formset.forms
    ]
    # Members' names and birth dates: a read of the file.
    audit_person(actor=user, action="person.view", person=person, detail={"page": "household"})
    context = {"person": person, "formset": formset, "rows": rows}
    return render(
        request,
        "registry/household_edit.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
