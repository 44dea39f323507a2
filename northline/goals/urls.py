"""Web UI routes of the goals app, below /o/<slug>/goals/ (every view receives ``slug``)."""

from django.urls import path

from northline.goals import views
from northline.lib.routes import record_paths

urlpatterns = [
    path("", views.goals, name="goals"),
    path("periods/", views.periods, name="goals_periods"),
    *record_paths(
        "periods/<int:period_id>/", views.period, "goals_period", delete=views.period_delete
    ),
    path("objectives/new/", views.objective_new, name="goals_objective_new"),
    path("choose/objectives/", views.choose_objectives, name="goals_choose_objectives"),
    *record_paths(
        "objectives/<int:objective_id>/",
        views.objective,
        "goals_objective",
        delete=views.objective_delete,
    ),
    *record_paths(
        "objectives/<int:objective_id>/key-results/",
        None,
        "goals_key_result",
        new=views.key_result_new,
    ),
    *record_paths(
        "key-results/<int:key_result_id>/",
        views.key_result,
        "goals_key_result",
        delete=views.key_result_delete,
    ),
    path("key-results/<int:key_result_id>/check-in/", views.check_in, name="goals_check_in"),
]
