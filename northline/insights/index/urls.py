"""Routes of the Insights home: the alignment index and each component's drill-down."""

from django.urls import path

from northline.insights.index import views as views_index

urlpatterns = [
    path("", views_index.index, name="insights"),
    path("components/<slug:key>/", views_index.component, name="insights_component"),
]
