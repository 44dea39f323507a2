"""Web UI routes for experts in residence and requests for them
(below /o/<slug>/lab/; every view receives ``slug``)."""

from django.urls import path

from northline.lab.experts import views

urlpatterns = [
    path("experts/", views.experts_page, name="lab_experts"),
    path("experts/<int:expert_id>/delete/", views.expert_delete, name="lab_expert_delete"),
    path("expert-requests/new/", views.expert_request_new, name="lab_expert_request_new"),
    path("expert-requests/<int:request_id>/", views.expert_request, name="lab_expert_request"),
]
