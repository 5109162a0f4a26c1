"""A certificate's verification code: printed on the paper, kept encrypted, so a reader of the
database cannot make a certificate that checks out. The only code that knows how it is stored
(the model imports it; it imports no model)."""

from __future__ import annotations

from tongcheng.lib import crypto

VERIFY_CODE_CONTEXT = "certification.verify_code"


def verify_code_column(code: str) -> str:
    return crypto.encrypt(code, context=VERIFY_CODE_CONTEXT)


def verify_code_of(stored: str) -> str:
    return crypto.decrypt(stored, context=VERIFY_CODE_CONTEXT)
