"""The SMS gateway: one generic HTTP adapter (settings SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN).

A message is POSTed as JSON `{"id": key, "to": number, "text": text}` with the token as a
bearer token; any 2xx answer means the gateway took it. The message's key is its id, so a
gateway that deduplicates by id never sends a retried message twice. Most gateways of China's
carriers take such a request directly or through a small relay (docs/deploy.md).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings


class GatewayError(Exception):
    """The gateway did not take the message (the reason, without the number)."""


def configured() -> bool:
    return bool(settings.SMS_GATEWAY_URL)


def send(*, key: str, to: str, text: str) -> None:
    body = json.dumps({"id": key, "to": to, "text": text}, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 (an https/http URL from the settings)
        settings.SMS_GATEWAY_URL,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as answer:  # noqa: S310
            status = answer.status
    except urllib.error.HTTPError as exc:
        raise GatewayError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise GatewayError(type(exc).__name__) from exc
    if not 200 <= status < 300:
        raise GatewayError(f"HTTP {status}")
