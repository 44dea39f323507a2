from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "northline.goals"
    label = "goals"
    verbose_name = "Goals"
