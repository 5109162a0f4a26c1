"""Reading the project's own source for the architecture tests: which files, parsed once."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]  # tongcheng/
ROOT = PACKAGE.parent

TEXT_SUFFIXES = {".py", ".md", ".html", ".txt", ".toml", ".cfg", ".ini", ".yml", ".js", ".css"}
# Not the project's own text: the environment, vendored files, generated data and artifacts.
NOT_OURS = {".venv", ".git", "vendor", "artifacts", "node_modules", "__pycache__"}
GENERATED = ("bench/data/",)


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@cache
def product_modules() -> tuple[Path, ...]:
    """The application's own modules: no tests, no migrations, no pytest configuration."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        found.append(path)
    return tuple(found)


@cache
def source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(source(path), filename=str(path))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_module(path: Path, node: ast.ImportFrom) -> str:
    """The absolute name of the module a `from … import` reads (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def where(path: Path, node: ast.AST) -> str:
    return f"{relative(path)}:{getattr(node, 'lineno', 0)}"


def repository_texts() -> Iterator[Path]:
    """Every text file the project wrote: code, docs, templates, settings, CI."""
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(name for name in subfolders if name not in NOT_OURS)
        for name in sorted(files):
            path = Path(folder) / name
            if relative(path).startswith(GENERATED):
                continue
            if path.suffix in TEXT_SUFFIXES or name in ("Makefile", "run"):
                yield path
