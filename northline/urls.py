"""Top-level routes: the API, the web UI of each app, and a health check."""

from django.urls import include, path

from northline.api import api
from northline.orgs import views as org_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("healthz", org_views.healthz, name="healthz"),
    path("", include("northline.orgs.urls")),
]
