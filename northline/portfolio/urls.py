"""Web UI routes of the portfolio app, below /o/<slug>/portfolio/."""

urlpatterns: list = []
