"""SQL spelled for the connection's database: quoted names, and values adapted by hand.

The import writes and looks up with raw SQL (COPY, executemany, one look-alike statement):
the ORM's per-object work would cost more than the writes themselves at 100,000 rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection


def postgres() -> bool:
    return connection.vendor == "postgresql"


def table(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Any], name: str) -> str:
    db_column: str = model._meta.get_field(name).column
    return connection.ops.quote_name(db_column)


def adapt(value: Any) -> Any:
    """A date as the database takes it (date-times and other values pass unchanged)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return connection.ops.adapt_datefield_value(value)
    return value


def stamp(now: dt.datetime) -> Any:
    """A date-time as the database takes it."""
    return connection.ops.adapt_datetimefield_value(now)
