"""The WSGI application sends the phone platform's webhook through the shorter middleware chain
(tongcheng/wsgi.py) and everything else through the whole one; the webhook answers the same
either way, with the same security headers."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from tongcheng import wsgi
from tongcheng.audit.services import Actor
from tongcheng.cases.tests.factories import service
from tongcheng.hotline.actions.platform import platform_register
from tongcheng.hotline.models import Ticket
from tongcheng.hotline.signing import signed_headers

pytestmark = pytest.mark.django_db
SECRET = "s3cret-of-the-platform-0123456789"


def call(path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
    """One request through tongcheng.wsgi.application, as gunicorn makes it."""
    environ = {
        "REQUEST_METHOD": "POST" if body else "GET", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json",
    }  # fmt: skip
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], *_: Any) -> None:
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    # As Django's test client does: the request must not close the test's connection (it holds
    # the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        answer["body"] = b"".join(wsgi.application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer


def test_only_the_platforms_endpoint_takes_the_short_chain() -> None:
    path = reverse("api:hotline_platform_event", kwargs={"code": "12345"})
    assert wsgi.MACHINE_PATHS.fullmatch(path)
    assert not wsgi.MACHINE_PATHS.fullmatch(path + "/x")
    assert not wsgi.MACHINE_PATHS.fullmatch(reverse("api:case_list"))

    def view_hooks(handler: Any) -> set[str]:
        return {type(hook.__self__).__name__ for hook in handler._view_middleware}

    assert {"AccessPolicyMiddleware", "CsrfViewMiddleware"} <= view_hooks(wsgi.site)
    assert not {"AccessPolicyMiddleware", "CsrfViewMiddleware"} & view_hooks(wsgi.machine)


def test_the_webhook_answers_through_the_short_chain_as_through_the_whole(cast: Any) -> None:
    service()
    platform_register(actor=Actor.system("test"), code="12345", name="12345", secret=SECRET)
    path = reverse("api:hotline_platform_event", kwargs={"code": "12345"})
    body = json.dumps({
        "type": "ticket", "ticket_id": "W-1", "caller_name": "卓玛", "caller_phone": "13912345678",
        "community": "140403001001", "service": "job-seeking", "nature": "help",
        "description": "想找工作",
    }, ensure_ascii=False).encode()  # fmt: skip
    short = call(path, body, signed_headers(SECRET, body))
    assert short["status"] == 202, short["body"]
    signed = signed_headers(SECRET, body)
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
    again = Client().post(path, body, content_type="application/json", **meta)
    assert again.status_code == 202 and again.json()["duplicate"] is True
    assert json.loads(short["body"])["receipt"] == again.json()["receipt"]
    assert Ticket.objects.count() == 1
    assert short["headers"]["Content-Length"] == str(len(short["body"]))
    for header in ("X-Request-ID", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        assert header in short["headers"], header
        assert header in again.headers, header
    refused = call(path, body, {"X-Tongcheng-Timestamp": "1", "X-Tongcheng-Signature": "sha256=0"})
    assert refused["status"] == 401
    assert json.loads(refused["body"])["detail"]


def test_every_other_request_takes_the_whole_chain(cast: Any) -> None:
    home = call("/")
    assert home["status"] == 302 and "/login/" in home["headers"]["Location"]  # the policy
