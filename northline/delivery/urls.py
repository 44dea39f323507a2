"""Web UI routes of the delivery app, below /o/<slug>/delivery/ (every view receives ``slug``)."""

from django.urls import path

from northline.delivery import views

urlpatterns = [
    path("", views.matrix, name="delivery"),
    path("roadmap/", views.roadmap_page, name="delivery_roadmap"),
    path("roadmap.csv", views.roadmap_csv, name="delivery_roadmap_csv"),
    path("roadmap.ics", views.roadmap_ics, name="delivery_roadmap_ics"),
    path("releases/", views.releases, name="delivery_releases"),
    path("releases/<int:release_id>/", views.release, name="delivery_release"),
    path("releases/<int:release_id>/decide/", views.release_decide, name="delivery_release_decide"),
    path(
        "releases/<int:release_id>/released/",
        views.release_released,
        name="delivery_release_released",
    ),
    path("releases/<int:release_id>/cancel/", views.release_cancel, name="delivery_release_cancel"),
    path("features/new/", views.feature_new, name="delivery_feature_new"),
    path("features/<int:feature_id>/", views.feature, name="delivery_feature"),
    path("features/<int:feature_id>/delete/", views.feature_delete, name="delivery_feature_delete"),
    path("features/<int:feature_id>/impacts/", views.impact_new, name="delivery_impact_new"),
    path("impacts/<int:impact_id>/", views.impact, name="delivery_impact"),
    path("impacts/<int:impact_id>/remove/", views.impact_remove, name="delivery_impact_remove"),
    path("impacts/<int:impact_id>/acknowledge/", views.acknowledge, name="delivery_acknowledge"),
    path("teams/<int:team_id>/", views.team, name="delivery_team"),
    path("teams/<int:team_id>/lead-time/", views.team_lead_time, name="delivery_team_lead_time"),
    path("teams/<int:team_id>/calendar/", views.team_feed, name="delivery_team_feed"),
    path("settings/", views.settings, name="delivery_settings"),
    path("settings/webhooks/", views.webhook_new, name="delivery_webhook_new"),
    path(
        "settings/webhooks/<int:webhook_id>/delete/",
        views.webhook_delete,
        name="delivery_webhook_delete",
    ),
    path(
        "settings/webhooks/<int:webhook_id>/ping/",
        views.webhook_ping,
        name="delivery_webhook_ping",
    ),
    path("settings/calendars/", views.feed_new, name="delivery_feed_new"),
    path(
        "settings/calendars/<int:feed_id>/revoke/", views.feed_revoke, name="delivery_feed_revoke"
    ),
    path("settings/lead-times/", views.lead_times, name="delivery_lead_times"),
]
