"""The API against its own OpenAPI document, driven by schemathesis in-process (WSGI).

Every operation, with valid and invalid input generated from the document, as a community officer
with a bearer token (and one file and one case of theirs, so the file and case operations reach
real rows): no server error, every status declared, every body valid against its declared schema,
every content type declared. Bounded and derandomised, so a run takes the same cases and stays
short.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tongcheng.api import api
from tongcheng.audit.services import Actor
from tongcheng.cases.tests.factories import open_case
from tongcheng.conftest import Cast
from tongcheng.org.actions.tokens import api_token_create
from tongcheng.registry.tests.factories import make_person

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
EXAMPLES = 20


# The document as /api/v1/openapi.json serves it, built at collection (no database needed);
# the calls go to the WSGI application in-process. (schemathesis' lazy fixture loader does not
# work with this pytest.)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()
# The coverage phase (every boundary of every field) triples the run: the boundaries that
# matter are driven one by one in tests/test_api_contract.py instead.
schema.config.phases.coverage.enabled = False


@pytest.fixture
def wsgi_keeps_the_connection() -> Iterator[None]:
    # The WSGI handler closes the database connection after each request, as a server should;
    # the test's transaction lives on that connection (Django's test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token(cast: Cast, wsgi_keeps_the_connection: None) -> str:
    make_person(cast.areas["community_a"].code)
    open_case(cast.community_a, cast.areas["community_a"])
    _record, token = api_token_create(
        actor=Actor.system(), account=cast.community_a, name="schemathesis", days=1
    )
    return token


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_it_keeps_every_operation_to_its_document(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
