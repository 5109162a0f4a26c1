"""Purpose and minimisation (docs/security.md): no field anywhere profiles a person."""

import re

from django.apps import apps

# No religion field; no risk, stability, "key person", watch or tag fields; no scoring of people.
# Matched as whole words of a snake_case name, so "stage" or "message" do not trip "tag".
FORBIDDEN = re.compile(
    r"(^|_)(religio\w*|faiths?|beliefs?|risks?|stabilit\w*|weiwen|key_?persons?|zhongdian\w*|"
    r"watch\w*|suspects?|suspicio\w*|blacklist\w*|tags?|flags?|flagged|scores?|scoring|"
    r"danger\w*|threats?|zongjiao)($|_)",
    re.IGNORECASE,
)


def test_it_has_no_profiling_field_on_any_model() -> None:
    offenders = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label not in {"auth", "contenttypes", "sessions", "admin"}
        for field in model._meta.get_fields()
        if FORBIDDEN.search(field.name)
    ]
    assert offenders == []


def test_it_catches_a_forbidden_name() -> None:
    # The scan itself must be able to fail.
    assert FORBIDDEN.search("religion")
    assert FORBIDDEN.search("risk_score")
    assert FORBIDDEN.search("is_key_person")
    assert FORBIDDEN.search("watchlist")
    assert not FORBIDDEN.search("ethnicity")
    assert not FORBIDDEN.search("stage")
