"""The words for action codes: each app registers its own, the trail knows no app above it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from tongcheng.audit.labels import action_label, register_action_labels
from tongcheng.audit.models import AuditEvent


def test_every_app_brings_the_labels_of_its_codes() -> None:
    with translation.override("en"):
        assert action_label("audit.view") == "Viewed audit trail"
        assert action_label("membership.grant") == "Granted role"
        assert action_label("person.view") == "Viewed file"
    with translation.override("zh-hans"):
        assert action_label("person.view") == "查看档案"
        assert AuditEvent(action="person.transfer_accept").action_label == "接收档案转移"


def test_registering_the_same_labels_again_is_harmless() -> None:
    label = "Viewed a test object"
    register_action_labels({"test.view": label})
    register_action_labels({"test.view": label})
    with translation.override("en"):
        assert action_label("test.view") == "Viewed a test object"


def test_a_code_with_two_labels_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="two labels"):
        register_action_labels({"person.view": "Looked at a file"})
    with translation.override("en"):
        assert action_label("person.view") == "Viewed file"


def test_a_denial_reads_as_access_denied_whatever_the_view() -> None:
    with translation.override("en"):
        assert action_label("deny:registry:person_detail") == "Access denied"


def test_every_code_the_source_writes_has_words() -> None:
    """A code without words shows as itself ("case.open_form") on the home page's recent
    actions and in the trail: English in the Chinese interface."""
    root = Path(__file__).resolve().parents[2]
    written = {
        code
        for path in root.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for code in re.findall(r'\baction="([a-z_]+\.[a-z_.]+)"', path.read_text())
    }
    assert len(written) > 100  # the pattern still finds the calls
    with translation.override("zh-hans"):
        missing = sorted(code for code in written if action_label(code) == code)
    assert not missing, f"codes without words: {missing}"
