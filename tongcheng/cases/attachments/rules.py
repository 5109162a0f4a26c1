"""What a case takes as an attachment: the types, the limits, and the check of one upload.

One check for the page and the API (`check_upload`): the size first, from what the upload
says and then from the bytes read (never more than one byte past the limit), then the type from
the bytes (lib.filetypes.detect), then the name (lib.filetypes.safe_file_name). Each refusal is
a sentence naming the file, with its name cleaned the same way (a right-to-left override in a
name must not turn the message around). How many a case holds is checked by the action, under
the case's lock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from tongcheng.cases.attachmentmodels import NAME_LIMIT, CaseAttachment
from tongcheng.cases.errors import CaseRefused
from tongcheng.lib.filetypes import FileType, FileTypeRefused, clean_name, detect, safe_file_name

MB = 1024 * 1024


def max_bytes() -> int:
    return int(settings.ATTACHMENT_MAX_MB) * MB


def max_per_case() -> int:
    return int(settings.ATTACHMENT_MAX_PER_CASE)


class Upload(Protocol):
    """What the page's and the API's uploaded files both are (Django's UploadedFile)."""

    @property
    def name(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class Checked:
    """An upload that passed: its cleaned name, its type and its clear bytes."""

    name: str
    kind: FileType
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def attachment_kind(self) -> str:
        return CaseAttachment.Kind.PHOTO if self.kind.photo else CaseAttachment.Kind.DOCUMENT


def refusal_of(code: str, name: str) -> str:
    """The sentence for a type `lib.filetypes` refused, naming the file."""
    if code == "old_office":
        text = _(
            "“%(name)s” is an old Word or Excel file (.doc, .xls): save it as .docx, .xlsx or "
            "PDF and attach that."
        )
    elif code == "macros":
        text = _("“%(name)s” contains macros: save it as a plain .docx or .xlsx document.")
    elif code == "encrypted":
        text = _("“%(name)s” is password-protected: remove the password and attach it again.")
    else:
        text = _(
            "“%(name)s” is not a type of file a case takes: only PDF, Word (.docx) and Excel "
            "(.xlsx) documents and JPEG, PNG, WEBP or HEIC photos."
        )
    return text % {"name": name}


def check_upload(upload: Upload) -> Checked:
    """The upload, checked (CaseRefused naming the file otherwise)."""
    label = clean_name(upload.name or "", limit=NAME_LIMIT) or _("(no name)")
    limit = max_bytes()
    too_large = _("“%(name)s” is larger than %(limit)d MB.") % {
        "name": label,
        "limit": limit // MB,
    }
    if (upload.size or 0) > limit:
        raise CaseRefused(too_large)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise CaseRefused(too_large)
    if not content:
        raise CaseRefused(_("“%(name)s” is empty.") % {"name": label})
    try:
        kind = detect(content)
    except FileTypeRefused as refused:
        raise CaseRefused(refusal_of(refused.code, label)) from refused
    name = safe_file_name(upload.name or "", kind, limit=NAME_LIMIT, fallback=_("attachment"))
    return Checked(name=name, kind=kind, content=content)
