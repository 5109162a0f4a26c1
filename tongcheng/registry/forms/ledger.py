"""Forms of the ledger's Excel pages: the upload of a ledger to import, and the export."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.forms import BootstrapMixin
from tongcheng.org.models import Area, Ethnicity
from tongcheng.registry.models import Occupation, Person

MAX_UPLOAD = 50 * 1024 * 1024


class UploadForm(BootstrapMixin, forms.Form):
    community = forms.ChoiceField(label=_("Community"))
    file = forms.FileField(
        label=_("Ledger (.xlsx)"),
        help_text=_(
            "An Excel workbook of at most 50 MB. The sheet with the ledger's header row is "
            "found and read; after the check you can choose another sheet."
        ),
    )

    def __init__(self, *args: Any, communities: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.communities = {area.code: area for area in communities}
        choices = [(a.code, a.name) for a in communities]
        self.fields["community"].choices = choices  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs["accept"] = ".xlsx"

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("Only Excel workbooks saved as .xlsx can be imported (not .xls, .xlsm or .csv).")
            )
        return upload


class ExportForm(BootstrapMixin, forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", _("Excel workbook (.xlsx)")), ("csv", _("CSV text file"))],
        initial="xlsx",
    )
    area = forms.ChoiceField(label=_("Area"), required=False)
    ethnicity = forms.ModelChoiceField(
        label=_("Ethnic group"),
        queryset=Ethnicity.objects.all(),
        required=False,
        empty_label=_("Any"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *Person.Status.choices], required=False
    )
    occupation = forms.ChoiceField(
        label=_("Occupation"), choices=[("", _("Any")), *Occupation.choices], required=False
    )
    identified = forms.BooleanField(
        label=_("With full ID and phone numbers"),
        required=False,
        help_text=_("Only for a stated purpose; the export and its reason are recorded."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def __init__(
        self, *args: Any, areas: list[Area], allow_identified: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.areas = {area.code: area for area in areas}
        choices = [("", _("All of my areas")), *((area.code, area.name) for area in areas)]
        self.fields["area"].choices = choices  # type: ignore[attr-defined]
        if not allow_identified:
            del self.fields["identified"]
            del self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("identified") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the full numbers are needed."))
        return data
