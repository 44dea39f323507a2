"""Web UI routes of the strategy app, below /o/<slug>/strategy/."""


urlpatterns: list = []
