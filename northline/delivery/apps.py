from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "northline.delivery"
    label = "delivery"
    verbose_name = "Delivery"
