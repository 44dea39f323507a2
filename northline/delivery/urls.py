"""Web UI routes of the delivery app, below /o/<slug>/delivery/ (every view receives ``slug``)."""

from django.urls import path

from northline.delivery import views
from northline.lib.routes import record_paths

urlpatterns = [
    path("", views.matrix, name="delivery"),
    path("roadmap/", views.roadmap_page, name="delivery_roadmap"),
    path("roadmap.csv", views.roadmap_csv, name="delivery_roadmap_csv"),
    path("roadmap.ics", views.roadmap_ics, name="delivery_roadmap_ics"),
    path("releases/", views.releases, name="delivery_releases"),
    *record_paths(
        "releases/<int:release_id>/",
        views.release,
        "delivery_release",
        decide=views.release_decide,
        released=views.release_released,
        cancel=views.release_cancel,
    ),
    path("features/new/", views.feature_new, name="delivery_feature_new"),
    *record_paths(
        "features/<int:feature_id>/", views.feature, "delivery_feature", delete=views.feature_delete
    ),
    path("features/<int:feature_id>/impacts/", views.impact_new, name="delivery_impact_new"),
    *record_paths(
        "impacts/<int:impact_id>/", views.impact, "delivery_impact", remove=views.impact_remove
    ),
    path("impacts/<int:impact_id>/acknowledge/", views.acknowledge, name="delivery_acknowledge"),
    *record_paths(
        "teams/<int:team_id>/", views.team, "delivery_team", lead_time=views.team_lead_time
    ),
    path("teams/<int:team_id>/calendar/", views.team_feed, name="delivery_team_feed"),
    path("settings/", views.settings, name="delivery_settings"),
    path("settings/webhooks/", views.webhook_new, name="delivery_webhook_new"),
    *record_paths(
        "settings/webhooks/<int:webhook_id>/",
        None,
        "delivery_webhook",
        delete=views.webhook_delete,
        ping=views.webhook_ping,
    ),
    path("settings/calendars/", views.feed_new, name="delivery_feed_new"),
    path(
        "settings/calendars/<int:feed_id>/revoke/", views.feed_revoke, name="delivery_feed_revoke"
    ),
    path("settings/lead-times/", views.lead_times, name="delivery_lead_times"),
]
