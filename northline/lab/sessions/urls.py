"""Web UI routes for alignment sessions and their commitments
(below /o/<slug>/lab/; every view receives ``slug``)."""

from django.urls import path

from northline.lab.sessions import views
from northline.lib.routes import record_paths

urlpatterns = [
    path(
        "engagements/<int:engagement_id>/sessions/",
        views.engagement_sessions,
        name="lab_engagement_sessions",
    ),
    *record_paths(
        "sessions/<int:session_id>/", views.session, "lab_session", delete=views.session_delete
    ),
    path("sessions/<int:session_id>/session.ics", views.session_ics, name="lab_session_ics"),
    path(
        "sessions/<int:session_id>/commitments/new/",
        views.commitment_new,
        name="lab_commitment_new",
    ),
    path("commitments/<int:commitment_id>/", views.commitment, name="lab_commitment"),
]
