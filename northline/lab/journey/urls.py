"""Web UI routes for an engagement's journey, the lab report and its shared links
(below /o/<slug>/lab/; every view receives ``slug``)."""

from django.urls import path

from northline.lab.journey import views

urlpatterns = [
    path(
        "engagements/<int:engagement_id>/journey/",
        views.engagement_journey,
        name="lab_engagement_journey",
    ),
    path("report/", views.report, name="lab_report"),
    path(
        "report/links/<int:link_id>/revoke/",
        views.report_link_revoke,
        name="lab_report_link_revoke",
    ),
    # No sign-in: the token is the permission (see views.shared_report).
    path("shared/<str:token>/", views.shared_report, name="lab_shared_report"),
]
