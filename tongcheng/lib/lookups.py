"""Database lookups of our own.

`digits`: `Q(code__digits=12)` holds when the value is exactly that many ASCII digits (area
and region codes, in CHECK constraints). Django's `__regex` works too, but SQLite has no
REGEXP of its own: Django registers a Python function that SQLite calls for every row, so a
100,000-row import paid a Python call per inserted file. GLOB is built into SQLite;
PostgreSQL keeps its native regular expression.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Lookup


class Digits(Lookup):
    lookup_name = "digits"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, params = self.process_lhs(compiler, connection)
        count = int(self.rhs)
        if connection.vendor == "sqlite":
            sql = f"(length({lhs}) = {count} AND {lhs} NOT GLOB '*[^0-9]*')"
            return sql, (*params, *params)
        return f"{lhs} ~ '^[0-9]{{{count}}}$'", tuple(params)


def register() -> None:
    CharField.register_lookup(Digits)
