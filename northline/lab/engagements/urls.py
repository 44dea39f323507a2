"""Web UI routes for engagements, their gates and qualification, the playbook and training
(below /o/<slug>/lab/; every view receives ``slug``)."""

from django.urls import path

from northline.lab.engagements import views
from northline.lib.routes import record_paths

urlpatterns: list = [
    path("", views.lab, name="lab"),
    *record_paths(
        "engagements/<int:engagement_id>/",
        views.engagement,
        "lab_engagement",
        delete=views.engagement_delete,
        advance=views.advance,
        graduate=views.graduate,
        readiness=views.readiness,
    ),
    path(
        "engagements/<int:engagement_id>/pivot-away/",
        views.pivot_away,
        name="lab_engagement_pivot",
    ),
    path("checklist/<int:item_id>/", views.item_state, name="lab_item_state"),
    path("checklist/<int:item_id>/waive/", views.item_waive, name="lab_item_waive"),
    path("qualification/<int:assessment_id>/", views.assess, name="lab_assess"),
    path("playbook/", views.playbook, name="lab_playbook"),
    *record_paths(
        "playbook/phases/<int:phase_id>/",
        views.phase,
        "lab_phase",
        move=views.phase_move,
        delete=views.phase_delete,
    ),
    *record_paths(
        "playbook/phases/<int:phase_id>/items/", None, "lab_phase_item", new=views.phase_item_new
    ),
    *record_paths(
        "playbook/items/<int:item_id>/",
        views.phase_item,
        "lab_phase_item",
        delete=views.phase_item_delete,
    ),
    path("training/", views.training, name="lab_training"),
    *record_paths(
        "training/courses/<int:course_id>/", views.course, "lab_course", delete=views.course_delete
    ),
    *record_paths(
        "training/required/<int:requirement_id>/",
        None,
        "lab_requirement",
        delete=views.requirement_delete,
    ),
    *record_paths(
        "training/records/<int:record_id>/", views.record, "lab_record", delete=views.record_delete
    ),
]
