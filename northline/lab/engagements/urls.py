"""Web UI routes for engagements, their gates and qualification, the playbook and training
(below /o/<slug>/lab/; every view receives ``slug``)."""

from django.urls import path

from northline.lab.engagements import views

urlpatterns: list = [
    path("", views.lab, name="lab"),
    path("engagements/<int:engagement_id>/", views.engagement, name="lab_engagement"),
    path(
        "engagements/<int:engagement_id>/delete/",
        views.engagement_delete,
        name="lab_engagement_delete",
    ),
    path("engagements/<int:engagement_id>/advance/", views.advance, name="lab_engagement_advance"),
    path(
        "engagements/<int:engagement_id>/graduate/",
        views.graduate,
        name="lab_engagement_graduate",
    ),
    path(
        "engagements/<int:engagement_id>/pivot-away/",
        views.pivot_away,
        name="lab_engagement_pivot",
    ),
    path(
        "engagements/<int:engagement_id>/readiness/",
        views.readiness,
        name="lab_engagement_readiness",
    ),
    path("checklist/<int:item_id>/", views.item_state, name="lab_item_state"),
    path("checklist/<int:item_id>/waive/", views.item_waive, name="lab_item_waive"),
    path("qualification/<int:assessment_id>/", views.assess, name="lab_assess"),
    path("playbook/", views.playbook, name="lab_playbook"),
    path("playbook/phases/<int:phase_id>/", views.phase, name="lab_phase"),
    path("playbook/phases/<int:phase_id>/move/", views.phase_move, name="lab_phase_move"),
    path("playbook/phases/<int:phase_id>/delete/", views.phase_delete, name="lab_phase_delete"),
    path(
        "playbook/phases/<int:phase_id>/items/new/",
        views.phase_item_new,
        name="lab_phase_item_new",
    ),
    path("playbook/items/<int:item_id>/", views.phase_item, name="lab_phase_item"),
    path(
        "playbook/items/<int:item_id>/delete/",
        views.phase_item_delete,
        name="lab_phase_item_delete",
    ),
    path("training/", views.training, name="lab_training"),
    path("training/courses/<int:course_id>/", views.course, name="lab_course"),
    path("training/courses/<int:course_id>/delete/", views.course_delete, name="lab_course_delete"),
    path(
        "training/required/<int:requirement_id>/delete/",
        views.requirement_delete,
        name="lab_requirement_delete",
    ),
    path("training/records/<int:record_id>/", views.record, name="lab_record"),
    path("training/records/<int:record_id>/delete/", views.record_delete, name="lab_record_delete"),
]
