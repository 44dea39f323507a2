from django.urls import path

from northline.imports import views

urlpatterns = [
    path("", views.imports, name="imports"),
    path("<int:run_id>/", views.import_run, name="import_run"),
    path("<int:run_id>/apply/", views.import_apply, name="import_apply"),
    path("<int:run_id>/mapping/", views.import_mapping, name="import_mapping"),
]
