"""Web UI routes for alignment sessions and their commitments
(below /o/<slug>/lab/; every view receives ``slug``)."""

from django.urls import path

from northline.lab.sessions import views

urlpatterns = [
    path(
        "engagements/<int:engagement_id>/sessions/",
        views.engagement_sessions,
        name="lab_engagement_sessions",
    ),
    path("sessions/<int:session_id>/", views.session, name="lab_session"),
    path("sessions/<int:session_id>/delete/", views.session_delete, name="lab_session_delete"),
    path("sessions/<int:session_id>/session.ics", views.session_ics, name="lab_session_ics"),
    path(
        "sessions/<int:session_id>/commitments/new/",
        views.commitment_new,
        name="lab_commitment_new",
    ),
    path("commitments/<int:commitment_id>/", views.commitment, name="lab_commitment"),
]
