from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "northline.delivery"
    label = "delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        from northline.orgs.pages import register_record_page

        register_record_page("delivery.release", "delivery_release", "release_id")
        register_record_page("delivery.feature", "delivery_feature", "feature_id")

        from northline.delivery.team_panel import team_impacts_panel
        from northline.orgs.pages import register_record_panel

        # The team page lists the impacts coming at the team (orgs cannot import delivery).
        register_record_panel("orgs.team", team_impacts_panel)
