"""Routes of the insights map pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
