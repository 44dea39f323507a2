"""Web UI routes of the delivery app, below /o/<slug>/delivery/."""

urlpatterns: list = []
