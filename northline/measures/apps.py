from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "northline.measures"
    label = "measures"
    verbose_name = "Measures"
