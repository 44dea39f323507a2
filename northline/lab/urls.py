"""Web UI routes of the lab app, below /o/<slug>/lab/.

Engagements, gates, qualification and training are here; agreements, sessions, budget,
experts and journey reports are in urls_governance.
"""

from django.urls import include, path

urlpatterns: list = [
    path("", include("northline.lab.urls_governance")),
]
