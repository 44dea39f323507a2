"""Top-level routes: the API, the web UI of each app, and a health check."""

from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path

from northline.api import api
from northline.orgs import views as org_views


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever a page links: send them to the SVG icon (looked
    up per request, so the hashed name of the collected file is used)."""
    return HttpResponseRedirect(static("northline/icon.svg"))


urlpatterns = [
    path("api/v1/", api.urls),
    path("healthz", org_views.healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("healthz/tasks", org_views.healthz_tasks, name="healthz_tasks"),
    path("calendar/", include("northline.delivery.feed_urls")),
    path("me/", include("northline.mywork.urls")),
    # Each app's pages live below /o/<slug>/<app>/; its home page is named after its section
    # key (northline.orgs.context.SECTIONS), which the navigation links to.
    path("o/<slug:slug>/strategy/", include("northline.strategy.urls")),
    path("o/<slug:slug>/goals/", include("northline.goals.urls")),
    path("o/<slug:slug>/portfolio/", include("northline.portfolio.urls")),
    path("o/<slug:slug>/delivery/", include("northline.delivery.urls")),
    path("o/<slug:slug>/lab/", include("northline.lab.urls")),
    path("o/<slug:slug>/insights/", include("northline.insights.urls")),
    path("o/<slug:slug>/imports/", include("northline.imports.urls")),
    path("", include("northline.orgs.urls")),
]
