"""The bell, the list of one's notifications, and one's notification settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongcheng.lib.paging import page_number
from tongcheng.notify.forms import PreferenceForm
from tongcheng.notify.identifiers import mobile_of
from tongcheng.notify.models import Notification, Preference
from tongcheng.notify.selectors import notification_page, unread_count
from tongcheng.notify.services import notifications_mark_read, preference_save
from tongcheng.org.models import User


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def bell(request: HttpRequest) -> HttpResponse:
    """The navbar's bell (loaded by htmx after the page, so no page pays for its count)."""
    count, capped = unread_count(_user(request))
    return render(request, "notify/bell.html", {"count": count, "capped": capped})


def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    number = page_number(request.GET.get("page"))
    page = notification_page(_user(request), number, unread_only=unread_only)
    context = {"page": page, "unread_only": unread_only}
    return render(request, "notify/notification_list.html", context)


@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one's own notification read and go where it points (404 for anyone else's).

    By POST only: a GET changes nothing (a link previewer or a prefetch would otherwise mark
    the notification read before its owner saw it)."""
    note = Notification.objects.filter(user=_user(request), pk=pk).only("url").first()
    if note is None:
        raise Http404
    notifications_mark_read(user=_user(request), pk=pk)
    safe = url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()})
    return redirect(note.url if note.url and safe else "notify:list")


@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    changed = notifications_mark_read(user=_user(request))
    messages.success(request, _("%(count)s notifications marked read.") % {"count": changed})
    return redirect("notify:list")


def preferences(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    preference = Preference.objects.filter(user=user).first()
    initial = {"mobile": mobile_of(preference.mobile_enc)} if preference is not None else {}
    form = PreferenceForm(request.POST or None, preference=preference, initial=initial)
    if request.method == "POST" and form.is_valid():
        preference_save(
            actor=user,
            email=form.email_choices(),
            digest=form.cleaned_data["digest"],
            mobile=form.cleaned_data["mobile"],
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notify:preferences")
    status = 400 if form.errors else 200
    return render(request, "notify/preferences.html", {"form": form}, status=status)
