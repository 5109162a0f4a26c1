"""The forms of the attachments panel: attaching files (chosen, or a photo taken there and
then), and the reason for removing one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.attachments.rules import Checked, check_upload
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.forms import LINE_LIMIT, RuledText
from tongcheng.lib.filetypes import ACCEPT
from tongcheng.lib.forms import BootstrapMixin


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by `rules.check_upload` (an empty one too,
    so that its message names it)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(allow_empty_file=True, required=False, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        return [cleaned for item in items if (cleaned := single(item, initial)) is not None]


class AttachmentForm(BootstrapMixin, forms.Form):
    # Its fields' ids stay apart from the other forms of the case page.
    prefix = "attach"

    file = MultipleFileField(label=_("Documents or photos"))
    photo = MultipleFileField(label=_("Take a photo"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"accept": ACCEPT, "multiple": True})
        # A phone opens its camera (a computer offers its pictures).
        self.fields["photo"].widget.attrs.update({"accept": "image/*", "capture": "environment"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        checked: list[Checked] = []
        for name in ("file", "photo"):
            for upload in data.get(name) or []:
                try:
                    checked.append(check_upload(upload))
                except CaseRefused as refused:
                    self.add_error(name, refused.message)
        if not checked and not self.errors:
            self.add_error("file", _("Choose a file or take a photo."))
        data["checked"] = checked
        return data


class RemovalForm(BootstrapMixin, forms.Form):
    reason = RuledText(label=_("Why the file is removed"), max_length=LINE_LIMIT, min_length=4)
