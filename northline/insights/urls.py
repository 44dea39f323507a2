"""Web UI routes of insights, below /o/<slug>/insights/ (every view receives ``slug``)."""

from django.urls import include, path

urlpatterns = [
    path("", include("northline.insights.index.urls")),
    path("map/", include("northline.insights.map.urls")),
    path("surveys/", include("northline.insights.surveys.urls")),
    path("reports/", include("northline.insights.reports.urls")),
]
