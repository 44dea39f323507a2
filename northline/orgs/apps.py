from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "northline.orgs"
    label = "orgs"
    verbose_name = "Organizations"
