"""One way to POST JSON to an outside service (the SMS gateway, a phone platform's callback).

`post_json` answers None when the service took the request (any 2xx), else a short reason for
the outbox's record ("HTTP 503", "URLError", "TimeoutError"): never the body, which may hold a
number or a reply.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping


def post_json(url: str, body: bytes, headers: Mapping[str, str], *, timeout: float) -> str | None:
    request = urllib.request.Request(  # noqa: S310 (a URL from the settings or the city office)
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            status = answer.status
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return type(exc).__name__
    return None if 200 <= status < 300 else f"HTTP {status}"
