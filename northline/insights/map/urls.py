"""Routes of the alignment map, below /o/<slug>/insights/map/ (every view receives ``slug``)."""

from django.urls import path

from northline.insights.map import views as views_map

urlpatterns = [
    path("", views_map.map_page, name="insights_map"),
    path("branch/", views_map.map_branch, name="insights_map_branch"),
    path("export/", views_map.map_export, name="insights_map_export"),
]
