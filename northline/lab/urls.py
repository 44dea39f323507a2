"""Web UI routes of the lab app, below /o/<slug>/lab/: the engagement core's, then each
governance subdomain's, in the order they were declared (the first pattern that matches wins)."""

from django.urls import include, path

urlpatterns = [
    path("", include("northline.lab.engagements.urls")),
    path("", include("northline.lab.agreements.urls")),
    path("", include("northline.lab.sessions.urls")),
    path("", include("northline.lab.budget.urls")),
    path("", include("northline.lab.experts.urls")),
    path("", include("northline.lab.journey.urls")),
]
