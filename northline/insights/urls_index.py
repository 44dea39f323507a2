"""Routes of the insights index pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
