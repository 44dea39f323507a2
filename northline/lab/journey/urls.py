"""Web UI routes for an engagement's journey, the lab report and its shared links
(below /o/<slug>/lab/; every view receives ``slug``)."""

from django.urls import path

from northline.lab.journey import views
from northline.lib.routes import record_paths

urlpatterns = [
    *record_paths(
        "engagements/<int:engagement_id>/", None, "lab_engagement", journey=views.engagement_journey
    ),
    path("report/", views.report, name="lab_report"),
    *record_paths(
        "report/links/<int:link_id>/", None, "lab_report_link", revoke=views.report_link_revoke
    ),
    # No sign-in: the token is the permission (see views.shared_report).
    path("shared/<str:token>/", views.shared_report, name="lab_shared_report"),
]
