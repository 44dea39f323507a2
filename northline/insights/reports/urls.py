"""Routes of the insights reports pages, below /o/<slug>/insights/reports/."""

from django.urls import path, re_path

from northline.insights.reports import views

urlpatterns = [
    path("", views.reports_home, name="insights_reports"),
    path("investment/", views.investment, name="insights_report_investment"),
    path("flow/", views.flow, name="insights_report_flow"),
    path("key-results/", views.key_results, name="insights_report_key_results"),
    path("dependencies/", views.dependencies, name="insights_report_dependencies"),
    re_path(
        r"^(?P<report>investment|flow|key-results|dependencies)\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="insights_report_export",
    ),
]
