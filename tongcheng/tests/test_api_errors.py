"""No API answer shows a traceback, DEBUG on or off, and a crash keeps nothing it wrote.

The operations that crash are a test-only API mounted by this module's URLconf, with the
project's own error handlers (tongcheng.api.install_error_handlers) and the real middleware: ninja
answered an unexpected exception with the traceback as text when DEBUG was on, and, answering
inside the view, let ATOMIC_REQUESTS commit what the operation had written before it failed.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import path
from ninja import NinjaAPI

from tongcheng.api import install_error_handlers
from tongcheng.conftest import Cast
from tongcheng.registry.models import Person
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
SECRET = "13812345678"

crash_api = NinjaAPI(urls_namespace="api", docs_url=None, openapi_url=None)
install_error_handlers(crash_api)


# "api:me" is a policy entry of the API (api=True): the policy lets the call through to ninja.
@crash_api.get("/crash", url_name="me")
def crash(request: HttpRequest) -> None:
    raise RuntimeError(f"the phone {SECRET} is in this message")


@crash_api.post("/crash", url_name="me")
def crash_after_writing(request: HttpRequest) -> None:
    make_person(A, name="写了一半")
    raise RuntimeError(f"the phone {SECRET} is in this message")


@crash_api.get("/database", url_name="me")
def database_down(request: HttpRequest) -> None:
    raise DatabaseError("connection refused")


urlpatterns = [path("api/v1/", crash_api.urls)]


@pytest.mark.parametrize("debug", [False, True])
def test_it_answers_a_crash_with_json_and_no_traceback(cast: Cast, debug: bool) -> None:
    with override_settings(ROOT_URLCONF=__name__, DEBUG=debug):
        response = Client(raise_request_exception=False).get("/api/v1/crash")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    text = response.content.decode()
    assert "Traceback" not in text and SECRET not in text and "RuntimeError" not in text
    body = response.json()
    assert body["detail"] and body["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize("debug", [False, True])
def test_it_keeps_nothing_a_crashed_operation_wrote(cast: Cast, debug: bool) -> None:
    with override_settings(ROOT_URLCONF=__name__, DEBUG=debug):
        response = Client(raise_request_exception=False).post("/api/v1/crash")
    assert response.status_code == 500
    assert not Person.objects.filter(name="写了一半").exists()


def test_it_answers_a_database_failure_with_503(cast: Cast) -> None:
    with override_settings(ROOT_URLCONF=__name__, DEBUG=True):
        response = Client(raise_request_exception=False).get("/api/v1/database")
    assert response.status_code == 503
    assert "connection refused" not in response.content.decode()
    assert response.json()["request_id"]
