"""Web UI routes of the goals app, below /o/<slug>/goals/ (every view receives ``slug``)."""

from django.urls import path

from northline.goals import views

urlpatterns = [
    path("", views.goals, name="goals"),
    path("periods/", views.periods, name="goals_periods"),
    path("periods/<int:period_id>/", views.period, name="goals_period"),
    path("periods/<int:period_id>/delete/", views.period_delete, name="goals_period_delete"),
    path("objectives/new/", views.objective_new, name="goals_objective_new"),
    path("choose/objectives/", views.choose_objectives, name="goals_choose_objectives"),
    path("objectives/<int:objective_id>/", views.objective, name="goals_objective"),
    path(
        "objectives/<int:objective_id>/delete/",
        views.objective_delete,
        name="goals_objective_delete",
    ),
    path(
        "objectives/<int:objective_id>/key-results/new/",
        views.key_result_new,
        name="goals_key_result_new",
    ),
    path("key-results/<int:key_result_id>/", views.key_result, name="goals_key_result"),
    path(
        "key-results/<int:key_result_id>/delete/",
        views.key_result_delete,
        name="goals_key_result_delete",
    ),
    path("key-results/<int:key_result_id>/check-in/", views.check_in, name="goals_check_in"),
]
