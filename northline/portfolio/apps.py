from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "northline.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio"
