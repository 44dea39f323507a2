"""Web UI routes of the goals app, below /o/<slug>/goals/."""


urlpatterns: list = []
