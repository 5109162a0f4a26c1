"""The Chinese catalogue stays complete: every string translated, placeholders kept, .mo current.

After adding or changing a translatable string run (see CONTRIBUTING.md):
    .venv/bin/python manage.py makemessages -l zh_Hans --no-obsolete --no-location \
        --ignore=e2e --ignore=bench --ignore=static
then translate the new entries in locale/zh_Hans/LC_MESSAGES/django.po and run
    .venv/bin/python manage.py compilemessages -l zh_Hans --ignore=.venv
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
LC_MESSAGES = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# %(name)s, %s, %d … and {name}; "%%" is a literal percent sign and is removed first.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}")
# The keywords makemessages passes to xgettext for Python sources: name → (msgid, context) position.
GETTEXT_NAMES: dict[str, tuple[int, int | None]] = {
    "_": (0, None),
    "gettext": (0, None),
    "gettext_lazy": (0, None),
    "gettext_noop": (0, None),
    "ngettext": (0, None),
    "ngettext_lazy": (0, None),
    "pgettext": (1, 0),
    "pgettext_lazy": (1, 0),
    "npgettext": (1, 0),
    "npgettext_lazy": (1, 0),
}
# What templatize() leaves of {% translate %} and {% blocktranslate %}: gettext(u'…') calls.
TEMPLATE_CALL = re.compile(r"\b((?:n|p|np)?gettext(?:_noop)?)\(((?:\s*u'(?:[^'\\]|\\.)*',?)+)")
TEMPLATE_STRING = re.compile(r"u('(?:[^'\\]|\\.)*')")
# … and of _("…") constants in variables and filter arguments ({{ value|default:_("Never") }}).
TEMPLATE_CONSTANT = re.compile(r"""\b_\(("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\)""")

MsgKey = tuple[str | None, str]


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> MsgKey:
        return (self.msgctxt, self.msgid)

    def __str__(self) -> str:
        return f"django.po line {self.line}: {self.msgid!r}"


def unquote(text: str) -> str:
    """The value of one "…" line of a .po file."""
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda match: escapes[match.group(1)], text[1:-1])


def parse_po(text: str) -> list[Entry]:
    """Entries of a .po file, header included (msgid ""); obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    keyword: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, keyword = None, None
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                if current is None or keyword is not None:
                    current, keyword = Entry(line=number), None
                    entries.append(current)
                current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword = match.group(1)
            value = unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and (current is None or current.msgstr):
                current = Entry(line=number)
                entries.append(current)
            assert current is not None, f"line {number}: {raw!r}"
            if keyword == "msgctxt":
                current.msgctxt = value
            elif keyword == "msgid":
                current.msgid = value
                current.line = number
            elif keyword == "msgid_plural":
                current.msgid_plural = value
            else:
                current.msgstr[int(match.group(2) or 0)] = value
        elif line.startswith('"') and current is not None and keyword is not None:
            value = unquote(line)
            if keyword == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + value
            elif keyword == "msgid":
                current.msgid += value
            elif keyword == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            else:
                index = int(keyword[7:-1]) if "[" in keyword else 0
                current.msgstr[index] += value
        else:
            raise AssertionError(f"django.po line {number} is not understood: {raw!r}")
    return entries


def catalogue() -> list[Entry]:
    """The translated entries, without the header."""
    return [entry for entry in parse_po(PO_PATH.read_text(encoding="utf-8")) if entry.msgid]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


def python_msgids(path: Path) -> set[MsgKey]:
    keys: set[MsgKey] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_NAMES:
            continue
        msgid_at, context_at = GETTEXT_NAMES[name]
        constants = [arg.value if isinstance(arg, ast.Constant) else None for arg in node.args]
        msgid = constants[msgid_at] if len(constants) > msgid_at else None
        context = constants[context_at] if context_at is not None else None
        if isinstance(msgid, str) and msgid:
            keys.add((context if isinstance(context, str) else None, msgid))
    return keys


def template_msgids(path: Path) -> set[MsgKey]:
    keys: set[MsgKey] = set()
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for name, arguments in TEMPLATE_CALL.findall(code):
        strings = [ast.literal_eval(s) for s in TEMPLATE_STRING.findall(arguments)]
        context = strings.pop(0) if name.startswith(("pgettext", "npgettext")) else None
        if strings and strings[0]:
            keys.add((context, strings[0]))
    keys |= {(None, ast.literal_eval(constant)) for constant in TEMPLATE_CONSTANT.findall(code)}
    return keys


def source_msgids() -> dict[MsgKey, Path]:
    """Every literal msgid of the sources makemessages reads (e2e/, bench/, static/ are ignored)."""
    found: dict[MsgKey, Path] = {}
    for path in sorted((ROOT / "tongcheng").rglob("*.py")):
        for key in python_msgids(path):
            found.setdefault(key, path)
    for folder in (ROOT / "templates", ROOT / "tongcheng"):
        for path in sorted([*folder.rglob("*.html"), *folder.rglob("*.txt")]):
            for key in template_msgids(path):
                found.setdefault(key, path)
    return found


def test_it_declares_chinese_in_the_header() -> None:
    header = next(
        entry for entry in parse_po(PO_PATH.read_text(encoding="utf-8")) if not entry.msgid
    )
    text = header.msgstr[0]
    assert "Language: zh_Hans\n" in text
    assert "Plural-Forms: nplurals=1; plural=0;\n" in text
    assert "charset=UTF-8" in text
    assert "fuzzy" not in header.flags


def test_it_parses_a_sample_of_every_kind_of_entry() -> None:
    sample = (
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#, python-format\nmsgid "%(counter)s event"\nmsgid_plural "%(counter)s events"\n'
        'msgstr[0] "%(counter)s条"\n\n'
        '#, fuzzy\nmsgctxt "menu"\nmsgid ""\n"Two "\n"lines \\"quoted\\""\nmsgstr "两行"\n'
    )
    header, plural, fuzzy = parse_po(sample)
    assert header.msgid == "" and header.msgstr[0] == "Language: zh_Hans\n"
    assert plural.msgid_plural == "%(counter)s events" and plural.msgstr == {0: "%(counter)s条"}
    assert "python-format" in plural.flags
    assert fuzzy.key == ("menu", 'Two lines "quoted"') and fuzzy.flags == {"fuzzy"}


def test_it_translates_every_entry() -> None:
    entries = catalogue()
    assert len(entries) > 100
    empty = [str(entry) for entry in entries if not all(entry.msgstr.values()) or not entry.msgstr]
    assert not empty, f"untranslated entries: {empty}"


def test_it_has_no_fuzzy_entry() -> None:
    fuzzy = [str(entry) for entry in catalogue() if "fuzzy" in entry.flags]
    assert not fuzzy, f"check these translations and remove their fuzzy flag: {fuzzy}"


def test_it_has_one_plural_form() -> None:
    wrong = [str(entry) for entry in catalogue() if entry.msgid_plural and set(entry.msgstr) != {0}]
    assert not wrong, f"Chinese has one plural form (msgstr[0] only): {wrong}"


def test_it_keeps_the_placeholders() -> None:
    wrong = []
    for entry in catalogue():
        # With one plural form msgstr[0] serves every count, so it follows the plural msgid.
        expected = placeholders(entry.msgid_plural or entry.msgid)
        for msgstr in entry.msgstr.values():
            if placeholders(msgstr) != expected:
                wrong.append(f"{entry}: {sorted(expected)} ≠ {sorted(placeholders(msgstr))}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_it_compiled_the_current_catalogue() -> None:
    with MO_PATH.open("rb") as mo_file:
        translations = gettext.GNUTranslations(mo_file)
    stale = []
    for entry in catalogue():
        if entry.msgid_plural is not None:
            if entry.msgctxt is not None:
                got = translations.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
            else:
                got = translations.ngettext(entry.msgid, entry.msgid_plural, 2)
        elif entry.msgctxt is not None:
            got = translations.pgettext(entry.msgctxt, entry.msgid)
        else:
            got = translations.gettext(entry.msgid)
        if got != entry.msgstr[0]:
            stale.append(str(entry))
    assert not stale, f"django.mo is stale, run compilemessages: {stale}"


def test_it_has_every_string_of_the_sources() -> None:
    known = {entry.key for entry in catalogue()}
    missing = [
        f"{path.relative_to(ROOT)}: {msgid!r}"
        for (context, msgid), path in source_msgids().items()
        if (context, msgid) not in known
    ]
    assert not missing, "run makemessages and translate:\n" + "\n".join(sorted(missing))


@pytest.mark.django_db
def test_it_shows_the_login_page_in_chinese_by_default() -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "登录" in content
    assert '<html lang="zh-Hans">' in content


@pytest.mark.django_db
def test_it_shows_the_login_page_in_english_with_the_language_cookie() -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert settings.LANGUAGE_COOKIE_NAME == "tc_language"
    response = client.get("/login/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Log in" in content
    assert "登录" not in content
