"""The hotline's pages: the operator console (screen pop, knowledge base, intake, today's
follow-up calls), the follow-up queue, the knowledge base, and the public progress page.

Long because: the console is one desktop screen with several parts, each a small view here (the
page, its htmx partials, the intake's POST), next to the pages it links to.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongcheng.audit.services import audit_record
from tongcheng.cases.access import get_extension_for_user
from tongcheng.cases.actions.extensions import extension_caller_told
from tongcheng.cases.actions.intake import CaseInput, Opened, case_open_once, case_submitted
from tongcheng.cases.actions.workflow import case_close_direct
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.models import Case, Channel
from tongcheng.cases.routing import default_department
from tongcheng.hotline.actions.articles import article_save
from tongcheng.hotline.actions.lookups import console_lookup
from tongcheng.hotline.forms import (
    ArticleForm,
    ArticleSearchForm,
    CallerToldForm,
    IntakeForm,
    TrackForm,
)
from tongcheng.hotline.identifiers import call_phone, masked_call_phone
from tongcheng.hotline.models import Article, Call
from tongcheng.hotline.selectors import (
    articles,
    callers_to_tell,
    case_for_tracking,
    communities_named,
    follow_ups_due,
    open_call,
    popped_file,
    ringing,
    screen_pop,
)
from tongcheng.hotline.tracking import public_state, track_over_limit, track_serialise
from tongcheng.lib.paging import page_number
from tongcheng.lib.phone import PhoneError, normalize_phone
from tongcheng.org.access import NotInScope
from tongcheng.org.contributions import may_open
from tongcheng.org.models import User
from tongcheng.registry.access import get_person_for_user
from tongcheng.registry.models import Person

FOLLOW_UPS_PER_PAGE = 25
# The callers to tell a new deadline the queue shows at once (oldest approval first).
TELL_ROWS = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _call_of(raw: object) -> Call | None:
    """A call the console may take: one of the last hours with no case yet (else None)."""
    text = str(raw or "")
    return open_call(int(text)) if text.isascii() and text.isdigit() else None


def console(request: HttpRequest) -> HttpResponse:
    """The operator's one screen. A call's number never reaches the page (it is masked; the
    intake takes it from the call); a typed number is a look-up, counted in the operator's daily
    allowance and audited with its keyed hash. Each view writes one audit event."""
    user = _user(request)
    call = _call_of(request.GET.get("call"))
    typed = "" if call is not None else _typed(request.GET.get("phone", ""))
    pop, refused = None, ""
    if call is not None:
        pop = screen_pop(user, call_phone(call.phone_enc))
    elif typed:
        try:
            pop = console_lookup(actor=user, number=typed)
        except CaseRefused as limit:
            refused = limit.message
    due = list(follow_ups_due(user)[:10])
    if call is not None or not typed or refused:
        audit_record(
            actor=request, action="hotline.console", object_type="call",
            object_id=call.pk if call else "",
            detail={"ids": [f.pk for f in pop.files] if pop else [],
                    "cases": [c.pk for c in pop.cases] if pop else [],
                    "follow_ups": [c.pk for c in due]},
        )  # fmt: skip
    form = IntakeForm(initial={"caller_phone": typed, "call": call.pk if call else None})
    context = {
        "form": form, "pop": pop, "number": typed, "call": call, "due": due,
        "call_masked": masked_call_phone(call.phone_enc) if call else "", "refused": refused,
        "calls": [(c, masked_call_phone(c.phone_enc)) for c in ringing()],
        "search": ArticleSearchForm(), "found": articles()[:8],
    }  # fmt: skip
    return render(request, "hotline/console.html", context)


def _typed(raw: str) -> str:
    try:
        return normalize_phone(raw) if raw.strip() else ""
    except PhoneError:
        return ""


def call_list(request: HttpRequest) -> HttpResponse:
    """The calls ringing now (the console polls it): numbers masked."""
    calls = [(c, masked_call_phone(c.phone_enc)) for c in ringing()]
    return render(request, "hotline/console.html#calls", {"calls": calls})


def community_options(request: HttpRequest) -> HttpResponse:
    found = communities_named(_user(request), request.GET.get("community", ""))
    return render(request, "hotline/console.html#communities", {"communities": found})


@require_POST
def intake(request: HttpRequest) -> HttpResponse:
    """Open the call's case: for the file chosen, or for the caller; dispatched or closed now."""
    user = _user(request)
    form = IntakeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The case was not opened: see the fields marked."))
        return render(request, "hotline/intake_errors.html", {"form": form}, status=400)
    data = form.cleaned_data
    earlier = case_submitted(user, data["submission"])
    if earlier is not None:  # the form sent twice: the case it opened, and nothing more
        messages.success(request, Opened(earlier, repeated=True).message())
        return redirect("cases:case_detail", pk=earlier.pk)
    call = _call_of(data.get("call"))
    if data.get("call") and call is None:
        messages.error(request, _("This call already has its case, or it is too old."))
        return render(request, "hotline/intake_errors.html", {"form": form}, status=400)
    if call is not None:
        data["caller_phone"] = call_phone(call.phone_enc)  # the call's own number, not a typed one
    person = get_person_for_call(user, data["person"], data["caller_phone"])
    try:
        case = _open(user, data, person, call)
    except ValidationError as problem:
        messages.error(request, "；".join(problem.messages))
        return render(request, "hotline/intake_errors.html", {"form": form}, status=400)
    except CaseRefused as refused:
        messages.error(request, refused.message)
        return render(request, "hotline/intake_errors.html", {"form": form}, status=400)
    messages.success(request, _("The case is opened: %(number)s.") % {"number": case.number})
    return redirect("cases:case_detail", pk=case.pk)


def get_person_for_call(user: User, pk: int | None, number: str) -> Person | None:
    """The file the screen pop offered: a file of the caller's number in the operator's scope
    (an officer with a record scope may choose any file of theirs)."""
    if pk is None:
        return None
    if user.record_scope_prefixes():
        return get_person_for_user(user, pk, write=True)
    found = popped_file(user, pk, number)
    if found is None:
        raise NotInScope("person", pk)
    return found


@transaction.atomic
def _open(user: User, data: dict[str, Any], person: Person | None, call: Call | None) -> Case:
    community = person.community if person is not None else data["community"]
    service = data["service"]
    then = data["then"]
    lead = None
    if then == IntakeForm.Then.DISPATCH:
        lead = default_department(service, community.code)
    opened = case_open_once(
        actor=user,
        key=data["submission"],
        data=CaseInput(
            service=service, nature=data["nature"], urgency=data["urgency"],
            interpreter=data["interpreter"], description=data["description"],
            channel=Channel.HOTLINE, person=person, community=community,
            caller_name="" if person else data["caller_name"],
            caller_phone="" if person else data["caller_phone"],
            text_consent=bool(data["text_consent"]) and person is None,
            lead=lead,
        ),
    )  # fmt: skip
    case = opened.case
    if opened.repeated:  # sent twice at once: the first did the rest
        return case
    if call is not None:
        taken = Call.objects.filter(pk=call.pk, case__isnull=True).update(case=case, operator=user)
        if not taken:  # another operator took the call meanwhile: nothing is opened
            raise CaseRefused(_("This call already has its case, or it is too old."))
    if then == IntakeForm.Then.DIRECT:
        case = case_close_direct(
            actor=user, case_id=case.pk, expected_version=case.version,
            answer=str(data["answer"]),
        )  # fmt: skip
    return case


def follow_up_queue(request: HttpRequest) -> HttpResponse:
    """The callers to tell an approved new deadline, then every replied case waiting for its
    call, by deadline (today's first)."""
    return _queue(request)


def _queue(request: HttpRequest, status: int = 200) -> HttpResponse:
    user = _user(request)
    tell = list(callers_to_tell(user)[:TELL_ROWS])
    page = Paginator(follow_ups_due(user, today_only=False), FOLLOW_UPS_PER_PAGE).get_page(
        page_number(request.GET.get("page"))
    )
    audit_record(
        actor=request, action="hotline.follow_up_queue", object_type="case",
        detail={"ids": [case.pk for case in page.object_list],
                "tell": [extension.case_id for extension in tell]},
    )  # fmt: skip
    context = {
        "page": page, "now": timezone.now(), "tell": tell,
        "may_record": may_open(user, "hotline:caller_told"), "results": CallerToldForm.Result,
    }  # fmt: skip
    return render(request, "hotline/follow_up_queue.html", context, status=status)


@require_POST
def caller_told(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the call that told a caller the new deadline (or did not reach them); a refusal
    shows the queue again with the reason."""
    user = _user(request)
    extension = get_extension_for_user(user, pk, write=True)
    form = CallerToldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the result of the call: told, or not reached."))
        return _queue(request, status=400)
    reached = form.cleaned_data["result"] == CallerToldForm.Result.TOLD
    try:
        extension_caller_told(actor=user, extension_id=extension.pk, reached=reached)
    except CaseRefused as refused:
        messages.error(request, refused.message)
        return _queue(request, status=409)
    messages.success(request, _("The call on case %(number)s was recorded.") % {
        "number": extension.case.number})  # fmt: skip
    return redirect(reverse("hotline:follow_up_queue") + "#tell")


def article_list(request: HttpRequest) -> HttpResponse:
    """The knowledge base, searchable; the console loads its results here too (htmx)."""
    search = ArticleSearchForm(request.GET)
    query, service = "", None
    if search.is_valid():
        query = search.cleaned_data["q"] or ""
        service = search.cleaned_data["service"]
    found = articles(query, service.pk if service else None)
    if request.headers.get("HX-Request"):
        return render(request, "hotline/article_list.html#results", {"found": found[:8]})
    page = Paginator(found, 20).get_page(page_number(request.GET.get("page")))
    may_edit = may_open(_user(request), "hotline:article_create")
    context = {"search": search, "page": page, "may_edit": may_edit}
    return render(request, "hotline/article_list.html", context)


def article_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The city office keeps the knowledge base."""
    article = Article.objects.filter(pk=pk).first() if pk is not None else None
    if pk is not None and article is None:
        raise Http404
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        saved = article_save(actor=_user(request), form=form)
        messages.success(request, _("The entry “%(title)s” was saved.") % {"title": saved.title})
        return redirect("hotline:article_list")
    status = 400 if form.errors else 200
    context = {"form": form, "article": article}
    return render(request, "hotline/article_edit.html", context, status=status)


def track(request: HttpRequest) -> HttpResponse:
    """办理进度查询: anyone with a case number and the phone's last 4 digits sees its state and
    next deadline, nothing personal; every look-up is audited and limited per address.

    One look-up per address at a time, recorded before it is counted (tracking.py), so
    parallel look-ups cannot pass the limit together."""
    form = TrackForm(request.POST or None)
    if request.method != "POST":
        return render(request, "hotline/track.html", {"form": form})
    case = case_for_tracking(**form.cleaned_data) if form.is_valid() else None
    track_serialise()
    audit_record(
        actor=request, action="hotline.track", object_type="case",
        object_id=case.pk if case else "", area_code=case.area_code if case else "",
        detail={"found": case is not None, "well_formed": form.is_valid()},
    )  # fmt: skip
    if track_over_limit():
        limited = {"form": form, "limited": True}
        return render(request, "hotline/track.html", limited, status=429)
    status = 200 if case is not None or not form.is_valid() else 404
    context = {
        "form": form,
        "case": case,
        "state": public_state(case.state) if case is not None else "",
        "looked_up": form.is_valid(),
    }
    return render(request, "hotline/track.html", context, status=400 if form.errors else status)
