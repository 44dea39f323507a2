"""Web UI routes for an engagement's budget and expenses
(below /o/<slug>/lab/; every view receives ``slug``)."""

from northline.lab.budget import views
from northline.lib.routes import record_paths

urlpatterns = [
    *record_paths(
        "engagements/<int:engagement_id>/", None, "lab_engagement", budget=views.engagement_budget
    ),
    *record_paths(
        "engagements/<int:engagement_id>/expenses/", None, "lab_expense", new=views.expense_new
    ),
    *record_paths("expenses/<int:expense_id>/", None, "lab_expense", delete=views.expense_delete),
]
