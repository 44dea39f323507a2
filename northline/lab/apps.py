from django.apps import AppConfig


class LabConfig(AppConfig):
    name = "northline.lab"
    label = "lab"
    verbose_name = "Lab"
