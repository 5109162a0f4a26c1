"""The repository stands alone: no comment or document points to a text outside it.

Documents of the team that are not in the repository, and sections of issues, are not there for
a reader of the code: comments and docs state the fact itself, or point to docs/ instead.
"""

from __future__ import annotations

import re

from tongcheng.tests.sources import relative, repository_texts

OUTSIDE = re.compile(
    r"\b(?:PERFORMANCE|SECURITY|DESIGN|STYLE)\.md\b|\.\./shared\b|/work/share[d]\b"
    r"|\bissue \d+,? §|§\s?\d"
)


def test_it_points_to_no_document_outside_the_repository() -> None:
    outside = [
        f"{relative(path)}:{number}: {match.group(0)}"
        for path in repository_texts()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for match in OUTSIDE.finditer(line)
    ]
    assert not outside, f"say the fact or point to docs/ instead: {outside}"


def test_it_sees_the_documents_it_checks() -> None:
    # The walk must reach the code, the docs and the configuration, or the test above proves
    # nothing.
    seen = {relative(path) for path in repository_texts()}
    assert {"README.md", "docs/architecture.md", "pyproject.toml", "Makefile"} <= seen
    assert "tongcheng/registry/models.py" in seen and ".ci/run" in seen
