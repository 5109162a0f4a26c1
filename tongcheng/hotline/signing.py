"""The platform's signature: HMAC-SHA256 over "<timestamp>.<body>" with the platform's secret.

Both directions use it: the platform signs what it sends to the webhook, and the outbox signs
the status changes it sends to the platform's callback URL. Headers: `X-Tongcheng-Timestamp`
(Unix seconds) and `X-Tongcheng-Signature` (`sha256=<hex>`). A request is taken only within
REPLAY_WINDOW of its timestamp, so a captured request cannot be played again later; within the
window a ticket delivered twice opens one case (the ticket id is unique per platform).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

TIMESTAMP_HEADER = "X-Tongcheng-Timestamp"
SIGNATURE_HEADER = "X-Tongcheng-Signature"
REPLAY_WINDOW = 300  # seconds


class SignatureRefused(Exception):
    """Why a request was not taken (a sentence for the 401 answer)."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def signed_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def check(
    secret: str, headers: Mapping[str, str], body: bytes, *, now: float | None = None
) -> None:
    """Refuse (SignatureRefused) unless the request is signed with `secret` and fresh."""
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    given = headers.get(SIGNATURE_HEADER, "")
    if not (timestamp.isascii() and timestamp.isdigit()) or not given or not given.isascii():
        raise SignatureRefused("missing or malformed signature headers")
    if not hmac.compare_digest(signature(secret, timestamp, body), given):
        raise SignatureRefused("bad signature")
    moment = now if now is not None else time.time()
    if abs(moment - int(timestamp)) > REPLAY_WINDOW:
        raise SignatureRefused("timestamp outside the 5-minute window")
