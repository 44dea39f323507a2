"""The preference page's form; orgs' ``set_preference`` decides what is allowed."""

from __future__ import annotations

from django import forms

from northline.lib.web import DomainForm
from northline.orgs.models import Delivery, NotificationPreference


class PreferenceForm(DomainForm):
    delivery = forms.ChoiceField(
        label="How should Northline tell you about new notifications?",
        choices=Delivery.choices,
        widget=forms.RadioSelect,
    )
    checkin_reminders = forms.BooleanField(
        label="E-mail me each Monday the key results I own that are due a check-in",
        required=False,
    )

    @classmethod
    def of(cls, preference: NotificationPreference) -> PreferenceForm:
        return cls(initial={name: getattr(preference, name) for name in cls.base_fields})
