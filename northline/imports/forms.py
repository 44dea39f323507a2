from __future__ import annotations

from django import forms

from northline.imports.models import ImportSource
from northline.imports.pipeline import MAX_BYTES, check_length
from northline.lib.errors import Invalid
from northline.lib.web import DomainForm


class UploadForm(DomainForm):
    source = forms.ChoiceField(choices=ImportSource.choices, initial=ImportSource.TAIGA)
    file = forms.FileField(
        help_text=f"The export file, at most {MAX_BYTES // 1024 // 1024} MB. You see what it "
        "would do, row by row, before anything is written."
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        try:
            check_length(upload.size)
        except Invalid as refusal:
            raise forms.ValidationError(refusal.message) from refusal
        self.filename = upload.name
        return upload.read()
