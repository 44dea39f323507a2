from __future__ import annotations

from django import forms

from northline.imports.models import ImportSource
from northline.imports.pipeline import MAX_BYTES
from northline.lib.web import DomainForm


class UploadForm(DomainForm):
    source = forms.ChoiceField(choices=ImportSource.choices, initial=ImportSource.TAIGA)
    file = forms.FileField(
        help_text=f"The export file, at most {MAX_BYTES // 1024 // 1024} MB. You see what it "
        "would do, row by row, before anything is written."
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; an import reads at most "
                f"{MAX_BYTES // 1024 // 1024} MB."
            )
        self.filename = upload.name
        return upload.read()
