from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "northline.delivery"
    label = "delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        from northline.orgs.pages import register_record_page

        register_record_page("delivery.release", "delivery_release", "release_id")
        register_record_page("delivery.feature", "delivery_feature", "feature_id")
