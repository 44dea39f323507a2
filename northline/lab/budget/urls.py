"""Web UI routes for an engagement's budget and expenses
(below /o/<slug>/lab/; every view receives ``slug``)."""

from django.urls import path

from northline.lab.budget import views

urlpatterns = [
    path(
        "engagements/<int:engagement_id>/budget/",
        views.engagement_budget,
        name="lab_engagement_budget",
    ),
    path(
        "engagements/<int:engagement_id>/expenses/new/",
        views.expense_new,
        name="lab_expense_new",
    ),
    path("expenses/<int:expense_id>/delete/", views.expense_delete, name="lab_expense_delete"),
]
