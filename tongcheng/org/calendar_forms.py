"""The form of an entered calendar year, and the lines an administrator types into it.

One line per day or range of days: the date (2027-01-01) or a range (2027-02-11..2027-02-17),
the name (元旦, 春节 …), and 休 for a holiday or 班 for a make-up working day. Empty lines and
lines starting with # are skipped. Every problem names its line; the rules of the days
themselves are tongcheng.org.workcalendar's (`day_problem`), shared with the save.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongcheng.lib.forms import BootstrapMixin
from tongcheng.lib.workdays import WorkCalendar
from tongcheng.org.models import CalendarDay, CalendarYear
from tongcheng.org.workcalendar import EnteredDay, day_problem

KIND_WORDS: dict[str, str] = {"休": CalendarDay.Kind.HOLIDAY, "班": CalendarDay.Kind.WORKDAY}
WORD_OF_KIND: dict[str, str] = {kind: word for word, kind in KIND_WORDS.items()}
MAX_RANGE_DAYS = 31  # the longest holiday is 8 or 9 days; a longer range is a typing mistake
MAX_LINES = 200
_RANGE = re.compile(r"^(\S+?)(?:\.\.|~|～)(\S+)$")
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def _date(text: str, number: int) -> date:
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("Line %(line)d: “%(text)s” is not a date; write it like 2027-01-01.")
            % {"line": number, "text": text}
        ) from None


def _parse_line(number: int, line: str) -> list[EnteredDay]:
    """The days of one line (a range gives several); ValidationError naming the line."""
    parts = line.split()
    if len(parts) < 3:
        raise ValidationError(
            _("Line %(line)d: “%(text)s” is not “date name 休” or “date name 班”.")
            % {"line": number, "text": line}
        )
    when, word, name = parts[0], parts[-1], " ".join(parts[1:-1])
    if word not in KIND_WORDS:
        raise ValidationError(
            _(
                "Line %(line)d: end the line with 休 (holiday) or 班 (make-up working day), "
                "not “%(word)s”."
            )
            % {"line": number, "word": word}
        )
    if len(name) > CalendarDay._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationError(_("Line %(line)d: the name is too long.") % {"line": number})
    matched = _RANGE.match(when)
    first = _date(matched.group(1) if matched else when, number)
    last = _date(matched.group(2), number) if matched else first
    if last < first:
        raise ValidationError(
            _("Line %(line)d: the range ends before it starts.") % {"line": number}
        )
    if (last - first).days >= MAX_RANGE_DAYS:
        raise ValidationError(
            _("Line %(line)d: a range of more than %(days)d days is surely a mistake.")
            % {"line": number, "days": MAX_RANGE_DAYS}
        )
    kind = KIND_WORDS[word]
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return [EnteredDay(day, kind, name) for day in days]


def parse_day_lines(text: str, year: int) -> list[EnteredDay]:
    """Every day the lines give, in date order; ValidationError listing every bad line."""
    problems: list[str] = []
    days: list[EnteredDay] = []
    first_line: dict[date, int] = {}
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise ValidationError(_("At most %(count)d lines.") % {"count": MAX_LINES})
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            parsed = _parse_line(number, line)
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        for entered in parsed:
            problem = day_problem(year, entered.day, entered.kind)
            if problem is None and entered.day in first_line:
                problem = _("%(date)s is already given on line %(first)d.") % {
                    "date": entered.day.isoformat(),
                    "first": first_line[entered.day],
                }
            if problem:
                problems.append(
                    _("Line %(line)d: %(problem)s") % {"line": number, "problem": problem}
                )
                continue
            first_line[entered.day] = number
            days.append(entered)
    if problems:
        raise ValidationError(problems)
    if not any(d.kind == CalendarDay.Kind.HOLIDAY for d in days):
        raise ValidationError(_("Enter the year's holidays: there is none."))
    return sorted(days, key=lambda d: d.day)


def days_to_lines(days: list[EnteredDay]) -> str:
    """Lines for a year's days, runs of consecutive days with one name and kind as a range."""
    lines = []
    runs: list[list[EnteredDay]] = []
    for entered in sorted(days, key=lambda d: d.day):
        run = runs[-1] if runs else None
        if (
            run
            and (run[-1].kind, run[-1].name) == (entered.kind, entered.name)
            and (entered.day - run[-1].day).days == 1
        ):
            run.append(entered)
        else:
            runs.append([entered])
    for run in runs:
        first, last = run[0].day, run[-1].day
        when = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
        lines.append(f"{when} {run[0].name} {WORD_OF_KIND[run[0].kind]}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Preview:
    """What the lines give, shown before saving: the days and the year's working days."""

    days: list[EnteredDay]
    holidays: int
    makeup_days: int
    working_days: int  # in the year, with these days
    weekdays: int  # Monday to Friday in the year, without them


def preview_of(year: int, days: list[EnteredDay]) -> Preview:
    holidays = {d.day: d.name for d in days if d.kind == CalendarDay.Kind.HOLIDAY}
    makeup = {d.day: d.name for d in days if d.kind == CalendarDay.Kind.WORKDAY}
    with_days = WorkCalendar(frozenset({year}), holidays, makeup)
    plain = WorkCalendar(frozenset({year}), {}, {})
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    return Preview(
        days=days,
        holidays=len(holidays),
        makeup_days=len(makeup),
        working_days=with_days.working_days_between(first, after).value,
        weekdays=plain.working_days_between(first, after).value,
    )


class CalendarYearForm(BootstrapMixin, forms.Form):
    """The notice and the lines of one year; `checked` is the digest of what was previewed."""

    notice = forms.CharField(
        label=gettext_lazy("State Council notice"),
        max_length=255,
        help_text=gettext_lazy("Its title and number, as published."),
    )
    lines = forms.CharField(
        label=gettext_lazy("Holidays and make-up working days"),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        max_length=20_000,
        help_text=gettext_lazy(
            "One day or range per line: the date, the name, and 休 (holiday) or 班 (make-up "
            "working day). For example: 2027-01-01 元旦 休, 2027-02-11..2027-02-17 春节 休, "
            "2027-02-07 春节 班."
        ),
    )
    checked = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "lines" in data:
            try:
                data["days"] = parse_day_lines(data["lines"], self.year)
            except ValidationError as exc:
                self.add_error("lines", exc)
        return data

    def digest(self) -> str:
        """The digest of the year, notice and days as parsed (what a preview showed)."""
        days = ";".join(f"{d.day}:{d.kind}:{d.name}" for d in self.cleaned_data["days"])
        text = f"{self.year}\n{self.cleaned_data['notice']}\n{days}"
        return hashlib.sha256(text.encode()).hexdigest()

    def mark_previewed(self) -> None:
        """Carry this preview's digest in the hidden field: a save must match it."""
        data = cast(QueryDict, self.data).copy()
        data["checked"] = self.digest()
        self.data = data

    def was_previewed(self) -> bool:
        """Whether this is what the last preview showed (a save needs that)."""
        return self.cleaned_data.get("checked") == self.digest()


def initial_for(entry: CalendarYear | None) -> dict[str, str]:
    """The form's starting values: the entered year's notice and lines (or nothing yet)."""
    if entry is None:
        return {}
    days = [EnteredDay(d.day, d.kind, d.name) for d in entry.days.all()]
    return {"notice": entry.notice, "lines": days_to_lines(days)}
