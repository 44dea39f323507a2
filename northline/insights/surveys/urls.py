"""Routes of the pulse survey pages, below /o/<slug>/insights/surveys/ (every view receives
``slug``). ``answer/<token>/`` is the one page without sign-in: a link's secret opens it."""

from django.urls import path

from northline.insights.surveys import views
from northline.lib.routes import record_paths

urlpatterns = [
    path("", views.survey_list, name="insights_surveys"),
    *record_paths(
        "<int:survey_id>/",
        views.survey,
        "insights_survey",
        close=views.survey_close,
        reopen=views.survey_reopen,
        answer=views.survey_answer,
    ),
    path("<int:survey_id>/links/", views.link_new, name="insights_survey_link_new"),
    *record_paths(
        "<int:survey_id>/links/<int:link_id>/",
        None,
        "insights_survey_link",
        revoke=views.link_revoke,
    ),
    path("answer/<str:token>/", views.survey_public, name="insights_survey_public"),
]
