"""The SMS gateway: one generic HTTP adapter (settings SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN).

A message is POSTed as JSON `{"id": key, "to": number, "text": text}` with the token as a
bearer token; any 2xx answer means the gateway took it. The message's key is its id, so a
gateway that deduplicates by id never sends a retried message twice. Most gateways of China's
carriers take such a request directly or through a small relay (docs/deploy.md).
"""

from __future__ import annotations

import json

from django.conf import settings

from tongcheng.lib.outbound import post_json


class GatewayError(Exception):
    """The gateway did not take the message (the reason, without the number)."""


def configured() -> bool:
    return bool(settings.SMS_GATEWAY_URL)


def send(*, key: str, to: str, text: str) -> None:
    body = json.dumps({"id": key, "to": to, "text": text}, ensure_ascii=False).encode()
    headers = {"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"}
    problem = post_json(
        settings.SMS_GATEWAY_URL, body, headers, timeout=settings.SMS_GATEWAY_TIMEOUT
    )
    if problem is not None:
        raise GatewayError(problem)
