"""Compulsory-education age (义务教育) by the 31 August rule.

The rule: a child who is 6 years old on or before 31 August of a year starts primary school
in September of that year; a child who turns 6 on 1 September or later starts a year later.
Compulsory education is nine school years, primary grades 1-6 then junior middle school
grades 7-9 (the 6+3 system used in Shanxi), each school year running from 1 September to
31 August. So for a child born on date B:

    entry year E = B.year + 6 if (B.month, B.day) <= (8, 31) else B.year + 7
    on a date D the school year starts in S = D.year if D.month >= 9 else D.year - 1
    grade = S - E + 1:  <= 0 preschool, 1-6 primary, 7-9 junior, >= 10 beyond

`is_school_age` is true for grades 1-9. This is the age the law expects, not the grade the
child is actually in (a child may start late or repeat a year): the ledger uses it to flag
children who should be at school.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

SchoolStage = Literal["preschool", "primary", "junior", "beyond"]

PRIMARY_YEARS = 6
COMPULSORY_YEARS = 9
ENTRY_AGE = 6
CUTOFF = (8, 31)  # month, day: 6 years old by this day → school starts this September


def entry_year(birth_date: dt.date) -> int:
    """The year in whose September the child starts primary school."""
    on_time = (birth_date.month, birth_date.day) <= CUTOFF
    return birth_date.year + ENTRY_AGE + (0 if on_time else 1)


def school_grade(birth_date: dt.date, on: dt.date | None = None) -> int:
    """The grade (1 = first year of primary) the rule expects on date `on`; <= 0 before school."""
    on = on or dt.date.today()
    school_year = on.year if on.month >= 9 else on.year - 1
    return school_year - entry_year(birth_date) + 1


def school_stage(birth_date: dt.date, on: dt.date | None = None) -> SchoolStage:
    grade = school_grade(birth_date, on)
    if grade <= 0:
        return "preschool"
    if grade <= PRIMARY_YEARS:
        return "primary"
    if grade <= COMPULSORY_YEARS:
        return "junior"
    return "beyond"


def is_school_age(birth_date: dt.date, on: dt.date | None = None) -> bool:
    """Whether the child is within the nine compulsory school years on date `on` (today)."""
    return 1 <= school_grade(birth_date, on) <= COMPULSORY_YEARS
