"""The form that creates a report link."""

from __future__ import annotations

from django import forms

from northline.lib.web import DomainForm

# Reports -------------------------------------------------------------------------------------


class ReportLinkForm(DomainForm):
    label = forms.CharField(
        max_length=200, help_text="Who the link is for, e.g. “Ministry executive committee”."
    )
