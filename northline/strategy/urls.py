"""Web UI routes of the strategy app, below /o/<slug>/strategy/ (views receive ``slug``)."""

from django.urls import path

from northline.lib.routes import child_paths, record_paths
from northline.strategy import views

urlpatterns = [
    path("", views.home, name="strategy"),
    path("identity/", views.identity, name="strategy_identity"),
    path("identity/history/", views.identity_history, name="strategy_identity_history"),
    path("identity/diff/", views.identity_diff, name="strategy_identity_diff"),
    path("identity/<int:number>/", views.identity_revision, name="strategy_identity_revision"),
    path("swot/", views.swot, name="strategy_swot"),
    *record_paths(
        "swot/<int:item_id>/", views.swot_item, "strategy_swot_item", delete=views.swot_item_delete
    ),
    path("themes/", views.themes, name="strategy_themes"),
    *record_paths(
        "themes/<int:theme_id>/", views.theme, "strategy_theme", delete=views.theme_delete
    ),
    *child_paths(
        "themes/<int:theme_id>/indicators/",
        "indicator_id",
        "strategy_theme_indicator",
        add=views.theme_indicator_add,
        link=views.theme_indicator_link,
        unlink=views.theme_indicator_unlink,
    ),
    path("value-streams/", views.value_streams, name="strategy_value_streams"),
    *record_paths(
        "value-streams/<int:stream_id>/",
        views.value_stream,
        "strategy_value_stream",
        delete=views.value_stream_delete,
    ),
    path("investments/", views.investments, name="strategy_investments"),
    *record_paths(
        "investments/<int:investment_id>/",
        views.investment,
        "strategy_investment",
        delete=views.investment_delete,
    ),
    *child_paths(
        "investments/<int:investment_id>/spends/",
        "spend_id",
        "strategy_spend",
        add=views.spend_add,
        delete=views.spend_delete,
    ),
    path("bodies/", views.bodies, name="strategy_bodies"),
    *record_paths("bodies/<int:body_id>/", views.body, "strategy_body", delete=views.body_delete),
    *child_paths(
        "bodies/<int:body_id>/responsibilities/",
        "responsibility_id",
        "strategy_responsibility",
        add=views.responsibility_add,
        delete=views.responsibility_delete,
    ),
    path("decisions/", views.decisions, name="strategy_decisions"),
    *record_paths(
        "decisions/<int:decision_id>/",
        views.decision,
        "strategy_decision",
        delete=views.decision_delete,
    ),
    *child_paths(
        "decisions/<int:decision_id>/links/",
        "link_id",
        "strategy_decision_link",
        add=views.decision_link_add,
        delete=views.decision_link_delete,
    ),
]
