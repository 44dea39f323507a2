"""Web UI routes of the portfolio app, below /o/<slug>/portfolio/ (every view receives ``slug``)."""

from django.urls import path

from northline.lib.routes import child_paths, record_paths
from northline.portfolio import views

urlpatterns = [
    path("", views.board, name="portfolio"),
    path("columns/<str:state>/", views.column, name="portfolio_column"),
    path("wip-limits/", views.wip_limits, name="portfolio_wip_limits"),
    path("backlog/", views.backlog, name="portfolio_backlog"),
    path("feedback/", views.feedback, name="portfolio_feedback"),
    path(
        "recommendations/<int:recommendation_id>/answer/",
        views.answer,
        name="portfolio_answer",
    ),
    path("epics/new/", views.epic_new, name="portfolio_epic_new"),
    *record_paths(
        "epics/<int:epic_id>/",
        views.epic,
        "portfolio_epic",
        move=views.epic_move,
        close=views.epic_close,
        reset_rank=views.epic_reset_rank,
    ),
    *child_paths(
        "epics/<int:epic_id>/indicators/",
        "indicator_id",
        "portfolio_indicator",
        new=views.indicator_new,
        link=views.indicator_link,
        unlink=views.indicator_unlink,
    ),
    *record_paths(
        "epics/<int:epic_id>/key-results/",
        None,
        "portfolio_key_result",
        link=views.key_result_link,
        unlink=views.key_result_unlink,
    ),
    path(
        "key-results/link-epic/",
        views.key_result_epic_link,
        name="portfolio_key_result_epic_link",
    ),
    path(
        "key-results/unlink-epic/",
        views.key_result_epic_unlink,
        name="portfolio_key_result_epic_unlink",
    ),
    path("choose/key-results/", views.choose_key_results, name="portfolio_choose_key_results"),
    path("choose/epics/", views.choose_epics, name="portfolio_choose_epics"),
    path("epics/<int:epic_id>/stories/new/", views.story_new, name="portfolio_story_new"),
    *record_paths(
        "stories/<int:story_id>/",
        views.story,
        "portfolio_story",
        move=views.story_move,
        delete=views.story_delete,
    ),
    *record_paths(
        "stories/<int:story_id>/indicators/",
        None,
        "portfolio_story_indicator",
        link=views.story_indicator_link,
        unlink=views.story_indicator_unlink,
    ),
    path("sprints/", views.sprints, name="portfolio_sprints"),
    *record_paths(
        "sprints/<int:sprint_id>/", views.sprint, "portfolio_sprint", delete=views.sprint_delete
    ),
]
