"""Web UI routes for alignment sessions and their commitments
(below /o/<slug>/lab/; every view receives ``slug``)."""

from django.urls import path

from northline.lab.sessions import views
from northline.lib.routes import record_paths

urlpatterns = [
    *record_paths(
        "engagements/<int:engagement_id>/",
        None,
        "lab_engagement",
        sessions=views.engagement_sessions,
    ),
    *record_paths(
        "sessions/<int:session_id>/", views.session, "lab_session", delete=views.session_delete
    ),
    path("sessions/<int:session_id>/session.ics", views.session_ics, name="lab_session_ics"),
    *record_paths(
        "sessions/<int:session_id>/commitments/", None, "lab_commitment", new=views.commitment_new
    ),
    path("commitments/<int:commitment_id>/", views.commitment, name="lab_commitment"),
]
