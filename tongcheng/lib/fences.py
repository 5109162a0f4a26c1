"""An EXISTS test that PostgreSQL evaluates row by row, as written, whatever its statistics say.

PostgreSQL turns a plain `EXISTS (…)` in a WHERE clause into a join, and then picks which side
drives from its statistics. Before a table has statistics (right after a bulk load, before
ANALYZE or autovacuum) its guesses are defaults: an area-code range is taken for 0.5 % of the
table, so at a million files it drove a city-wide name search from the area index (all 1,000,000
rows, sorted on disk: 320 ms) instead of the name's own index (0.2 ms). Where the application
has already chosen the driving index from bounded counts (registry.search), that choice must
hold: an `OFFSET 0` inside the subquery is the documented way to keep PostgreSQL from pulling it
up, so the EXISTS stays a test of each row the driving index yields. SQLite plans the query as
written and needs no fence.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists


class FencedExists(Exists):
    """`Exists`, kept a per-row test on PostgreSQL (see the module's docstring)."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # The subquery already ends with Exists's LIMIT 1; LIMIT 1 OFFSET 0 is valid SQL.
        return self.as_sql(
            compiler, connection, template="EXISTS(%(subquery)s OFFSET 0)", **extra_context
        )
