"""Routes of the insights surveys pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
