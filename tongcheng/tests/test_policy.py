"""The policy table covers every URL, and the code obeys it (deny by default)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tongcheng.audit.models import AuditEvent
from tongcheng.lib.contributions import Access
from tongcheng.lib.roles import READ_ONLY_ROLES
from tongcheng.org.contributions import policy_table


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            prefix = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            assert name, f"URL pattern {pattern.pattern} has no name, so no policy entry"
            yield f"{namespace}:{name}" if namespace else name


def test_it_has_a_policy_entry_for_every_url() -> None:
    missing = sorted(set(url_names()) - set(policy_table()))
    assert missing == [], f"URLs without a policy entry: {missing}"


def test_it_has_no_policy_entry_without_a_url() -> None:
    stale = sorted(set(policy_table()) - set(url_names()))
    assert stale == [], f"policy entries for URLs that do not exist: {stale}"


def test_it_never_gives_a_write_to_a_read_only_role() -> None:
    for name, entry in policy_table().items():
        if isinstance(entry, Access) and entry.write:
            assert not set(entry.roles) & READ_ONLY_ROLES, name


def test_it_refuses_a_read_only_role_in_a_write_entry() -> None:
    from tongcheng.lib.contributions import only
    from tongcheng.lib.roles import Role

    with pytest.raises(ValueError):
        only(Role.INSPECTOR, write=True)


def test_it_denies_a_url_missing_from_the_policy(cast, settings) -> None:  # type: ignore[no-untyped-def]
    # A view reachable by URL but absent from POLICY is refused, and the refusal is audited.
    from django.urls import path

    from tongcheng import urls as root
    from tongcheng.views import healthz

    settings.ROOT_URLCONF = type(
        "Urls", (), {"urlpatterns": [*root.urlpatterns, path("x/", healthz, name="unlisted")]}
    )
    response = cast.client("city_admin").get("/x/")
    assert response.status_code == 403
    event = AuditEvent.objects.filter(action="deny:unlisted").get()
    assert event.outcome == AuditEvent.Outcome.DENIED
    assert event.reason == "no policy entry"
