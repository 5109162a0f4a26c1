"""The documents keep up with the code: roles, policy entries, settings, demo accounts."""

import re
from pathlib import Path

from tongcheng.lib.roles import Role
from tongcheng.org.contributions import policy_table
from tongcheng.org.management.commands.seed_demo import ACCOUNTS, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_it_describes_every_role() -> None:
    roles_doc = read("docs/roles.md")
    missing = [role.value for role in Role if f"`{role.value}`" not in roles_doc]
    assert not missing, f"docs/roles.md does not describe {missing}"


def test_it_lists_every_policy_entry() -> None:
    roles_doc = read("docs/roles.md")
    missing = [name for name in policy_table() if f"`{name}`" not in roles_doc]
    assert not missing, f"run `make policy-doc`: docs/roles.md lacks {missing}"


def test_it_documents_every_environment_variable() -> None:
    settings_source = read("tongcheng/settings.py")
    names = set(
        re.findall(r'(?:environ\.get|env_bool|env_list|secret)\(\s*"([A-Z_]+)"', settings_source)
    )
    assert {"DATABASE_URL", "SECRET_KEY", "TWO_FACTOR_REQUIRED"} <= names
    deploy = read("docs/deploy.md")
    missing = sorted(name for name in names if f"`{name}`" not in deploy)
    assert not missing, f"docs/deploy.md does not explain {missing}"


def test_it_starts_the_readme_with_the_two_commands() -> None:
    readme = read("README.md")
    first_block = readme.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_it_lists_the_demo_accounts_in_the_readme() -> None:
    readme = read("README.md")
    missing = [demo.username for demo in ACCOUNTS if f"`{demo.username}`" not in readme]
    assert not missing, f"README.md lacks the demo accounts {missing}"
    assert DEMO_PASSWORD in readme
