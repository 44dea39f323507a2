from django.apps import AppConfig


class MyWorkConfig(AppConfig):
    name = "northline.mywork"
    label = "mywork"
    verbose_name = "My work"
