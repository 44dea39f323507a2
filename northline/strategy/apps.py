from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "northline.strategy"
    label = "strategy"
    verbose_name = "Strategy"
