from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "northline.imports"
    label = "imports"
    verbose_name = "Imports"
