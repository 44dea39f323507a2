"""Routes of the insights reports pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
