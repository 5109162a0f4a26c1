"""Django's PostgreSQL backend with a health check that trusts a connection proved alive a
moment ago (settings.py uses it for every PostgreSQL database).

With health checks on (`conn_health_checks`), Django asks a kept connection `SELECT 1` before
the first statement of every request, so that a connection the server dropped (a restart, a
network cut while the worker was idle) is replaced instead of failing the request. Under load
that is one more round trip per request for a connection whose last statement succeeded a
millisecond ago: on the phone platform's webhook, a quarter of all round trips. Here a
connection whose last statement succeeded less than ALIVE_FOR ago skips the check; one idle
longer is checked as before. A connection that fails in that second fails its request (503),
is closed at the request's end (Django checks a connection after an error) and the next
request connects again: the database's loss is still recovered without a restart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db.backends.postgresql import base

ALIVE_FOR = 1.0  # seconds


class DatabaseWrapper(base.DatabaseWrapper):
    # Django's own attributes (set in BaseDatabaseWrapper), which the type stubs leave out.
    health_check_enabled: bool
    health_check_done: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.alive_at = float("-inf")  # time.monotonic() of the last statement that succeeded
        self.execute_wrappers.append(self._proves_alive)

    def _proves_alive(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        result = execute(sql, params, many, context)
        self.alive_at = time.monotonic()
        return result

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and time.monotonic() - self.alive_at < ALIVE_FOR
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
