"""Web UI routes for agreements, alignment sessions, budget, experts and journey reports."""

urlpatterns: list = []
