from __future__ import annotations

from typing import Any

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


# What a status can map to on the mapping form: its Jira category, or a column.
STATUS_CHOICES = [
    ("", "By its status category"),
    ("funnel", "Funnel (epics; stories read it as To do)"),
    ("todo", "To do"),
    ("doing", "Doing"),
    ("done", "Done"),
]


class MappingForm(DomainForm):
    """A Jira preview's mapping, one field per status, sprint and version the file holds, built
    from what the preview found and filled with the mapping it used."""

    save = forms.BooleanField(
        required=False,
        label="Save as this organization's Jira mapping",
        help_text="The next Jira import, here or from the command line, starts from it.",
    )

    def __init__(
        self, found: dict[str, list[str]], mapping: dict[str, Any], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.found = found
        self.error_aliases = {}
        statuses = mapping.get("statuses", {})
        for index, status in enumerate(found.get("statuses", [])):
            self.fields[f"status_{index}"] = forms.ChoiceField(
                label=status,
                choices=STATUS_CHOICES,
                required=False,
                initial=statuses.get(status, ""),
            )
            self.error_aliases[f"mapping.statuses.{status}"] = f"status_{index}"
        columns = [("", "None: each project is a team")] + [
            (name, name) for name in found.get("columns", [])
        ]
        self.fields["team_field"] = forms.ChoiceField(
            label="The column that names the team",
            choices=columns,
            required=False,
            initial=mapping.get("team_field", ""),
            help_text="Component/s by default; any column of the file (a custom Team field, "
            "Labels…). An issue without a value belongs to its project's team.",
        )
        self.error_aliases["mapping.team_field"] = "team_field"
        sprints = mapping.get("sprints", {})
        for index, name in enumerate(found.get("sprints", [])):
            dates = sprints.get(name, {})
            self.fields[f"sprint_start_{index}"] = forms.DateField(
                label=f"{name}: starts",
                required=False,
                initial=dates.get("starts_on"),
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"sprint_end_{index}"] = forms.DateField(
                label=f"{name}: ends",
                required=False,
                initial=dates.get("ends_on"),
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"sprint_capacity_{index}"] = forms.IntegerField(
                label=f"{name}: capacity",
                required=False,
                min_value=0,
                initial=dates.get("capacity"),
                help_text="Points; empty: what its issues add up to.",
            )
            for part, field in (
                ("starts_on", "start"),
                ("ends_on", "end"),
                ("capacity", "capacity"),
            ):
                self.error_aliases[f"mapping.sprints.{name}.{part}"] = f"sprint_{field}_{index}"
        releases = mapping.get("releases", {})
        for index, name in enumerate(found.get("versions", [])):
            self.fields[f"release_{index}"] = forms.DateField(
                label=f"{name}: release date",
                required=False,
                initial=releases.get(name),
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.error_aliases[f"mapping.releases.{name}"] = f"release_{index}"

    def status_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("status_")]

    def sprint_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"sprint_{part}_{index}"] for part in ("start", "end", "capacity")]
            for index in range(len(self.found.get("sprints", [])))
        ]

    def release_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("release_")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for index, name in enumerate(self.found.get("sprints", [])):
            start, end = cleaned.get(f"sprint_start_{index}"), cleaned.get(f"sprint_end_{index}")
            if bool(start) != bool(end):
                self.add_error(
                    f"sprint_end_{index}" if start else f"sprint_start_{index}",
                    f"Give both dates of {name}, or neither to leave it out.",
                )
        return cleaned

    def mapping(self) -> dict[str, Any]:
        """The mapping the form states, in the shape jira.mapping_of reads."""
        data = self.cleaned_data
        found = self.found
        return {
            "statuses": {
                status: data[f"status_{index}"]
                for index, status in enumerate(found.get("statuses", []))
                if data.get(f"status_{index}")
            },
            "team_field": data.get("team_field") or "",
            "sprints": {
                name: {
                    "starts_on": data[f"sprint_start_{index}"].isoformat(),
                    "ends_on": data[f"sprint_end_{index}"].isoformat(),
                    "capacity": data.get(f"sprint_capacity_{index}"),
                }
                for index, name in enumerate(found.get("sprints", []))
                if data.get(f"sprint_start_{index}") and data.get(f"sprint_end_{index}")
            },
            "releases": {
                name: data[f"release_{index}"].isoformat()
                for index, name in enumerate(found.get("versions", []))
                if data.get(f"release_{index}")
            },
        }
