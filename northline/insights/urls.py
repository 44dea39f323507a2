"""Web UI routes of insights, below /o/<slug>/insights/ (every view receives ``slug``)."""

from django.urls import include, path

urlpatterns = [
    path("", include("northline.insights.urls_index")),
    path("map/", include("northline.insights.urls_map")),
    path("surveys/", include("northline.insights.urls_surveys")),
    path("reports/", include("northline.insights.urls_reports")),
]
