"""Rewrite the policy table in docs/roles.md from tongcheng/org/policy.py (the source of truth).

    .venv/bin/python docs/policy_table.py        (or: make policy-doc)

Only the part between the `policy:start` and `policy:end` markers changes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "roles.md"
START, END = "<!-- policy:start -->", "<!-- policy:end -->"

# Short column heads, in the order of the roles (tongcheng.lib.roles.Role).
COLUMNS = [
    ("city_admin", "city"),
    ("district_office", "dist"),
    ("street_officer", "street"),
    ("community_officer", "comm"),
    ("dept_liaison", "liaison"),
    ("hotline_operator", "hotline"),
    ("legal_volunteer", "volunteer"),
    ("representative", "rep"),
    ("inspector", "insp"),
    ("leader", "leader"),
    ("sys_admin", "sys"),
    ("security_admin", "sec"),
    ("audit_admin", "audit"),
]


def table() -> str:
    from tongcheng.lib.contributions import Access
    from tongcheng.lib.roles import Role
    from tongcheng.org.contributions import policy_table

    assert {code for code, _ in COLUMNS} == {role.value for role in Role}, "a role is missing"
    head = "| URL name | kind | " + " | ".join(short for _, short in COLUMNS) + " |"
    rule = "|---|---|" + "---|" * len(COLUMNS)
    lines = [head, rule]
    for name, entry in policy_table().items():
        if not isinstance(entry, Access):
            cells = ["public"] + [""] * len(COLUMNS)
        else:
            kind = ("API " if entry.api else "") + ("write" if entry.write else "read")
            cells = [kind] + [
                str(entry.roles[Role(code)]) if Role(code) in entry.roles else "—"
                for code, _ in COLUMNS
            ]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongcheng.settings")
    import django

    django.setup()
    text = DOC.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    DOC.write_text(f"{before}{START}\n{table()}\n{END}{after}", encoding="utf-8")
    print(f"{DOC.relative_to(ROOT)}: policy table rewritten")


if __name__ == "__main__":
    main()
