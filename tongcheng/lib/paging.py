"""Page numbers from the query string: a number too large for the database is no error.

An offset past the 64-bit range made SQLite answer "datatype mismatch" and PostgreSQL "bigint
out of range" (a 500). Pages stop at MAX_PAGE: 500,000 rows at 50 a page, past any list a
person reads page by page (search or filter instead).
"""

from __future__ import annotations

MAX_PAGE = 10_000


def page_number(raw: str | None) -> int:
    """The page asked for, from 1 to MAX_PAGE; anything that is not a number is page 1."""
    if not raw or not raw.isdigit() or not raw.isascii():
        return 1
    return max(1, min(int(raw), MAX_PAGE))
