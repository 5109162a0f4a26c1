"""The architecture, checked on the source: scope on every model, imports at the top, lengths
explained, each rule in one place, and 三必清 stated once (docs/architecture.md).

import-linter (`make lint`) checks the layers and cycles; these tests check what it cannot see.
Each check reads the product's modules: everything under tongcheng/ except tests, migrations and
conftest.py. Every test here can fail: each one names the files and lines that break it.
"""

from __future__ import annotations

import ast
import inspect
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tongcheng.org.models import Area, Region
from tongcheng.registry import rules
from tongcheng.registry.models import Occupation, Person
from tongcheng.registry.tests.factories import make_person
from tongcheng.tests.sources import (
    ROOT,
    imported_module,
    product_modules,
    relative,
    source,
    tree,
    where,
)

COMMUNITY = "140403001001"  # 和平社区, loaded with the reference data


def is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def nested_imports(node: ast.AST, depth: int = 0) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports below the module's top level, leaving out `if TYPE_CHECKING:` blocks."""
    for child in ast.iter_child_nodes(node):
        if is_type_checking(child):
            continue
        if isinstance(child, ast.Import | ast.ImportFrom) and depth:
            yield child
        yield from nested_imports(child, depth + 1)


def names_of(path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [imported_module(path, node)]


# --- Scope: every model with an area or a person has visible_to --------------------------------

# Models that belong to an area or a person but need no `visible_to`, each with why.
SCOPE_EXEMPT = {
    # Its area_code records where an event happened; the trail is read only through the audit
    # screen, which the policy gives to the audit administrator alone (city-wide).
    "audit.AuditEvent",
    # The seats of the leading groups are the plan's published organisation: every account sees
    # the city's group (the page filters by level, not by scope), none is personal data.
    "org.LeadingGroupPosition",
    # An area's rollout stage is read through its area (`area.rollout`), which
    # Area.objects.visible_to already scoped; only the area page edits it.
    "org.RolloutStage",
}


def belongs_to_area_or_person(model: type[models.Model]) -> bool:
    for field in model._meta.get_fields():
        if field.name in ("area_code", "community"):
            return True
        forward = field.is_relation and (field.many_to_one or field.one_to_one) and field.concrete
        if forward and field.related_model in (Area, Person):
            return True
    return False


def product_models() -> list[type[models.Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("tongcheng.")
        for model in config.get_models()
    ]


def test_it_gives_every_model_with_an_area_or_a_person_visible_to() -> None:
    scoped = [model for model in product_models() if belongs_to_area_or_person(model)]
    assert Person in scoped and Area in scoped  # the detector sees the two obvious ones
    missing = []
    for model in scoped:
        if model._meta.label in SCOPE_EXEMPT:
            continue
        manager = getattr(model, "objects", None)
        method = getattr(manager, "visible_to", None)
        queryset_method = getattr(type(model._default_manager.get_queryset()), "visible_to", None)
        takes_user = queryset_method is not None and list(
            inspect.signature(queryset_method).parameters
        )[1:2] == ["user"]
        if method is None or not takes_user:
            missing.append(model._meta.label)
    assert not missing, f"give these a QuerySet method visible_to(user): {missing}"
    labels = {model._meta.label for model in product_models()}
    assert labels >= SCOPE_EXEMPT, f"stale exemptions: {sorted(SCOPE_EXEMPT - labels)}"


# --- Imports at the top of the module ----------------------------------------------------------

# Modules that must import the project inside a function, each with why.
LATE_IMPORT_ALLOWED = {
    # The import helper process's entry point: it takes stdout for its answers before anything
    # can print, trims INSTALLED_APPS and sets up Django before any model module is imported.
    "tongcheng/registry/ledger/helper_main.py",
}


def test_it_imports_the_project_at_the_top_of_each_module_only() -> None:
    late = [
        where(path, node)
        for path in product_modules()
        if relative(path) not in LATE_IMPORT_ALLOWED
        for node in nested_imports(tree(path))
        if any(name.startswith("tongcheng") for name in names_of(path, node))
    ]
    assert not late, f"import at the top of the module (or under TYPE_CHECKING): {late}"


# --- Lengths explained -------------------------------------------------------------------------

MODULE_LINES = 400
FUNCTION_LINES = 60


def explained(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A `# Long because` comment on one of the 3 lines above the def or its decorators."""
    top = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    above = lines[max(top - 4, 0) : node.lineno - 1]
    return any(line.strip().startswith("# Long because") for line in above)


def test_it_explains_every_long_module_and_function() -> None:
    unexplained = []
    for path in product_modules():
        lines = source(path).splitlines()
        docstring = ast.get_docstring(tree(path)) or ""
        if len(lines) > MODULE_LINES and "Long because" not in docstring:
            unexplained.append(f"{relative(path)} ({len(lines)} lines)")
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_LINES and not explained(lines, node):
                    unexplained.append(f"{where(path, node)} {node.name}() ({length} lines)")
    assert not unexplained, f"split these or say why they are long: {unexplained}"


# --- One rule, one place -----------------------------------------------------------------------

CRYPTO_FUNCTIONS = {"encrypt", "decrypt", "encrypt_bytes", "decrypt_bytes", "keyed_hash"}
CRYPTO_ALLOWED = {
    "tongcheng/lib/crypto.py": "the functions themselves",
    "tongcheng/registry/identifiers.py": "the ledger's identifier codec (encrypted fields, hashes)",
    "tongcheng/org/twofactor.py": "the TOTP secret, stored encrypted on the account",
    "tongcheng/org/actions/logins.py": "keyed hashes of login names (the throttle, audit events)",
    "tongcheng/org/actions/tokens.py": "the keyed hash of an API token (only the hash is kept)",
    "tongcheng/cases/identifiers.py": "a caller without a file (name, phone); attachments' bytes",
    "tongcheng/cases/certcodes.py": "a certificate's verification code, kept encrypted",
    "tongcheng/notify/identifiers.py": "a user's mobile and a text message's number, encrypted",
    "tongcheng/hotline/identifiers.py": "a call's number (as the ledger's phone), platform secrets",
    "tongcheng/engagement/identifiers.py": "a representative without a file: name, phone …",
}
MASK_FUNCTIONS = {"mask_id_number", "mask_phone"}
# Masking an identifier is the codecs' (the ledger's identifiers.masked / masker, and the cases'
# codec of a caller without a file); org masks no account field.
MASK_ALLOWED = {
    "tongcheng/registry/identifiers.py",
    "tongcheng/cases/identifiers.py",
    "tongcheng/notify/identifiers.py",
    "tongcheng/hotline/identifiers.py",
    "tongcheng/engagement/identifiers.py",
}


def uses_of(path: Path, module: str, functions: set[str]) -> list[str]:
    """Where `path` imports or reads any of `functions` of `module`."""
    found = []
    parent, _, last = module.rpartition(".")
    aliases = set()  # names bound to the module itself
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.ImportFrom):
            source_module = imported_module(path, node)
            for alias in node.names:
                if source_module == module and alias.name in functions:
                    found.append(f"{where(path, node)} imports {alias.name}")
                if source_module == parent and alias.name == last:
                    aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            aliases |= {a.asname for a in node.names if a.name == module and a.asname}
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Attribute) and node.attr in functions:
            receiver = ast.get_source_segment(source(path), node.value) or ""
            if receiver in aliases or receiver == module:
                found.append(f"{where(path, node)} {receiver}.{node.attr}")
    return found


def test_it_encrypts_and_hashes_only_in_the_codecs() -> None:
    outside = [
        use
        for path in product_modules()
        if relative(path) not in CRYPTO_ALLOWED
        for use in uses_of(path, "tongcheng.lib.crypto", CRYPTO_FUNCTIONS)
    ]
    assert not outside, f"go through registry.identifiers (or org's two-factor/auth): {outside}"


def test_it_masks_identifiers_only_in_the_codec() -> None:
    outside = [
        use
        for path in product_modules()
        if relative(path) not in MASK_ALLOWED and not relative(path).startswith("tongcheng/lib/")
        for use in uses_of(path, "tongcheng.lib.masking", MASK_FUNCTIONS)
    ]
    assert not outside, f"use registry.identifiers.masked or masker: {outside}"


SUBTREE_ALLOWED = "tongcheng/lib/areacodes.py"
# Modules whose `code` is another kind of code, each with what it is.
NOT_AREA_CODES = {
    "tongcheng/audit/labels.py": "audit action codes ('deny:<view name>'), not area codes",
}


# Lookups that filter a code field by prefix: spelled out, or as the index range subtree_q uses.
PREFIX_LOOKUPS = ("__startswith", "__gte", "__lt", "__range")


def prefix_lookup(name: str, dynamic: bool) -> bool:
    """`…code__startswith` and the like; a field built at run time only with `__startswith`."""
    if dynamic:
        return "__startswith" in name
    return "code" in name and any(name.endswith(lookup) for lookup in PREFIX_LOOKUPS)


def prefix_matches(path: Path) -> Iterator[str]:
    """Area-code prefix matching: `<…code/area…>.startswith(`, prefix lookups on code fields.

    A `__startswith` lookup whose field is built at run time (`f"{field}__startswith"`) counts
    too: a generic prefix filter is exactly what lib.areacodes.subtree_q is.
    """
    text = source(path)
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = (ast.get_source_segment(text, node.func.value) or "").lower()
            if node.func.attr == "startswith" and ("code" in receiver or "area" in receiver):
                yield f"{where(path, node)} {receiver}.startswith"
        lookup = node.arg if isinstance(node, ast.keyword) else None
        if lookup and prefix_lookup(lookup, dynamic=False):
            yield f"{where(path, node)} {lookup}"
        if isinstance(node, ast.Dict):
            for key in node.keys:
                if isinstance(key, ast.Constant | ast.JoinedStr):
                    key_text = ast.get_source_segment(text, key) or ""
                    if prefix_lookup(key_text.strip("\"'f"), isinstance(key, ast.JoinedStr)):
                        yield f"{where(path, key)} {key_text}"


def test_it_matches_area_subtrees_only_in_areacodes() -> None:
    outside = [
        match
        for path in product_modules()
        if relative(path) != SUBTREE_ALLOWED and relative(path) not in NOT_AREA_CODES
        for match in prefix_matches(path)
    ]
    assert not outside, f"use lib.areacodes.subtree_q / in_subtree: {outside}"


# The text columns of 三必清; a filter "this column is empty" spells the rule out again.
FACT_TEXT_COLUMNS = {"origin_text", "address_enc", "occupation"}
FILTERS = {"Q", "filter", "exclude"}
RULES = "tongcheng/registry/rules.py"


def spelled_out_facts(path: Path) -> Iterator[str]:
    for node in ast.walk(tree(path)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name not in FILTERS:
            continue
        for keyword in node.keywords:
            empty = isinstance(keyword.value, ast.Constant) and keyword.value.value == ""
            if keyword.arg in FACT_TEXT_COLUMNS and empty:
                yield f"{where(path, node)} {name}({keyword.arg}='')"


def test_it_states_the_three_facts_only_in_rules() -> None:
    outside = [
        found
        for path in product_modules()
        if relative(path) != RULES
        for found in spelled_out_facts(path)
    ]
    assert not outside, f"use rules.all_known_q / gaps_q / fact_known_q: {outside}"


def test_it_defines_the_look_alike_limit_only_in_rules() -> None:
    defined = [
        where(path, node)
        for path in product_modules()
        for node in ast.walk(tree(path))
        if isinstance(node, ast.Name)
        and node.id == "LOOK_ALIKE_LIMIT"
        and isinstance(node.ctx, ast.Store)
    ]
    assert defined == [f"{RULES}:{_line_of(RULES, 'LOOK_ALIKE_LIMIT = ')}"], defined


def _line_of(name: str, text: str) -> int:
    lines = source(ROOT / name).splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(text))


# --- The contracts cover every app -------------------------------------------------------------


def test_it_puts_every_app_under_the_import_contracts() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = {c["type"]: c for c in config["tool"]["importlinter"]["contracts"]}
    layers = contracts["layers"]["layers"]
    layered = {tail.strip().strip("()") for layer in layers for tail in layer.split("|")}
    product_apps = [app for app in settings.INSTALLED_APPS if app.startswith("tongcheng.")]
    uncovered = [
        app
        for app in product_apps
        if app.removeprefix("tongcheng.") not in layered
        or app not in contracts["forbidden"]["source_modules"]
        or app not in contracts["acyclic_siblings"]["ancestors"]
    ]
    assert not uncovered, f"add to pyproject.toml's [tool.importlinter] contracts: {uncovered}"


# --- 三必清: gaps_q is exactly what all_known_q leaves out -------------------------------------

FILE = st.fixed_dictionaries(
    {
        "origin_region": st.booleans(),
        "origin_text": st.sampled_from(["", "东关村"]),
        "address": st.sampled_from(["", "和平街 12 号"]),
        "occupation": st.sampled_from(["", *Occupation.values]),
    }
)
COLUMNS = [column for columns in rules.FACT_COLUMNS.values() for column in columns]


@pytest.mark.django_db
@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(FILE, min_size=1, max_size=4))
def test_it_keeps_gaps_and_all_known_complementary(files: list[dict[str, object]]) -> None:
    region = Region.objects.order_by("code").first()
    assert region is not None  # the reference data is loaded once per run (conftest.py)
    with transaction.atomic():
        ids = [
            make_person(
                COMMUNITY,
                id_number="",
                address=str(spec["address"]),
                origin_region=region if spec["origin_region"] else None,
                origin_text=spec["origin_text"],
                occupation=spec["occupation"],
            ).pk
            for spec in files
        ]
        persons = Person.objects.filter(pk__in=ids)
        known = set(persons.filter(rules.all_known_q()).values_list("pk", flat=True))
        gaps = set(persons.filter(rules.gaps_q()).values_list("pk", flat=True))
        by_fact = {
            fact: set(persons.filter(rules.fact_known_q(fact)).values_list("pk", flat=True))
            for fact in rules.FACTS
        }
        values = {row["pk"]: row for row in persons.values("pk", *COLUMNS)}
        transaction.set_rollback(True)
    assert known.isdisjoint(gaps) and known | gaps == set(ids)
    for pk, spec in zip(ids, files, strict=True):
        expected = {
            "origin": bool(spec["origin_region"] or spec["origin_text"]),
            "address": bool(spec["address"]),
            "occupation": bool(spec["occupation"]),
        }
        assert rules.known_facts(values[pk]) == expected
        assert {fact: pk in by_fact[fact] for fact in rules.FACTS} == expected
        assert (pk in known) == rules.all_known(values[pk]) == all(expected.values())
