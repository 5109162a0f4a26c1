"""Login (password, then TOTP), logout, my account, password change, two-factor enrolment."""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from tongcheng.lib.forms import BootstrapMixin
from tongcheng.org import auth, twofactor
from tongcheng.org.actions import logins
from tongcheng.org.actions.two_factor import two_factor_enrol_confirm, two_factor_secret_start
from tongcheng.org.middleware import SESSION_ENROL_REQUIRED
from tongcheng.org.models import User


class PasswordForm(BootstrapMixin, PasswordChangeForm):
    """Django's form (old password, new one twice, the validators of settings), styled."""


CODE_FAILED = _("The code is wrong, or the account is temporarily locked.")


class LoginForm(BootstrapMixin, forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _user(request: HttpRequest) -> User:
    # The policy middleware lets no anonymous request reach the views that call this.
    return cast(User, request.user)


def _next_url(request: HttpRequest) -> str:
    """Where to go after login: a same-site `next`, else the home page (no open redirect)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _finish_login(
    request: HttpRequest, user: User, *, second_factor: bool, next_url: str
) -> HttpResponse:
    auth.login_complete(request=request, user=user, second_factor=second_factor)
    if request.session.get(SESSION_ENROL_REQUIRED):
        return redirect("account:two_factor_setup")
    return redirect(next_url)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Password step. Every refusal is a normal page so that the failure count commits."""
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    if form.is_valid():
        try:
            user = auth.login_check_password(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except auth.LoginRefused as refused:
            form.add_error(None, refused.message)
        else:
            if twofactor.has_two_factor(user):
                auth.login_pending_start(request=request, user=user, next_url=_next_url(request))
                return redirect("login_two_factor")
            return _finish_login(request, user, second_factor=False, next_url=_next_url(request))
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return render(request, "registration/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_two_factor(request: HttpRequest) -> HttpResponse:
    """Second step: the TOTP code of the account whose password was right a moment ago."""
    pending = auth.login_pending(request)
    if pending is None:
        messages.info(request, _("Please log in again."))
        return redirect("login")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            user = auth.login_check_code(
                request=request, pending=pending, code=form.cleaned_data["code"]
            )
        except auth.LoginRefused:
            if auth.login_pending(request) is None:
                messages.error(request, auth.LOGIN_FAILED)
                return redirect("login")
            form.add_error("code", CODE_FAILED)
        else:
            next_url = pending.next_url or resolve_url(settings.LOGIN_REDIRECT_URL)
            return _finish_login(request, user, second_factor=True, next_url=next_url)
    return render(request, "registration/login_two_factor.html", {"form": form})


@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation (a link or a prefetch must not log anyone out); POST logs out."""
    if request.method == "POST":
        auth.logout_complete(request=request, user=_user(request))
        messages.info(request, _("You have logged out."))
        return redirect("login")
    return render(request, "registration/logout_confirm.html")


def profile(request: HttpRequest) -> HttpResponse:
    """My account: my roles and areas, whether two-factor login is on."""
    user = _user(request)
    context = {
        "account": user,
        "memberships": user.all_memberships(),
        "has_two_factor": twofactor.has_two_factor(user),
        "two_factor_required": twofactor.two_factor_required(user),
    }
    return render(request, "account/user_profile.html", context)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PasswordForm(user, request.POST or None)
    if form.is_valid():
        logins.password_change(actor=user, new_password=form.cleaned_data["new_password1"])
        # This session stays (its hash follows the new password); every other one ends.
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("account:profile")
    return render(request, "account/password_change.html", {"form": form})


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the secret), then prove it with a current code."""
    user = _user(request)
    if twofactor.has_two_factor(user):
        return render(request, "account/two_factor_setup.html", {"enrolled": True})
    secret = two_factor_secret_start(actor=user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if two_factor_enrol_confirm(actor=user, code=form.cleaned_data["code"]):
            request.session.pop(SESSION_ENROL_REQUIRED, None)
            messages.success(request, _("Two-factor login is now on for your account."))
            return redirect(settings.LOGIN_REDIRECT_URL)
        form.add_error("code", _("The code is wrong. Check that your phone's clock is right."))
    context = {
        "enrolled": False,
        "form": form,
        # segno's SVG holds only generated path data: no user input reaches the markup.
        "qr_svg": mark_safe(twofactor.qr_svg(twofactor.provisioning_uri(user, secret))),  # noqa: S308
        "secret": twofactor.grouped(secret),
        "required": bool(request.session.get(SESSION_ENROL_REQUIRED)),
    }
    return render(request, "account/two_factor_setup.html", context)
