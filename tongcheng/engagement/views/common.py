"""What the engagement's views share: the acting account, and a refused write on a form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from tongcheng.engagement.errors import EngagementRefused
from tongcheng.org.models import User


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def add_problem(form: forms.Form, problem: ValidationError | EngagementRefused) -> None:
    """Put an action's refusal on the form, on the field it names where the form has one."""
    if isinstance(problem, EngagementRefused):
        form.add_error(None, problem.message)
        return
    for field, errors in problem.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
