"""Routes of the pulse survey pages, below /o/<slug>/insights/surveys/ (every view receives
``slug``). ``answer/<token>/`` is the one page without sign-in: a link's secret opens it."""

from django.urls import path

from northline.insights.surveys import views

urlpatterns = [
    path("", views.survey_list, name="insights_surveys"),
    path("<int:survey_id>/", views.survey, name="insights_survey"),
    path("<int:survey_id>/close/", views.survey_close, name="insights_survey_close"),
    path("<int:survey_id>/reopen/", views.survey_reopen, name="insights_survey_reopen"),
    path("<int:survey_id>/answer/", views.survey_answer, name="insights_survey_answer"),
    path("<int:survey_id>/links/", views.link_new, name="insights_survey_link_new"),
    path(
        "<int:survey_id>/links/<int:link_id>/revoke/",
        views.link_revoke,
        name="insights_survey_link_revoke",
    ),
    path("answer/<str:token>/", views.survey_public, name="insights_survey_public"),
]
