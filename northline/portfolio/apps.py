from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "northline.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio"

    def ready(self) -> None:
        from northline.measures.signals import reading_recorded
        from northline.portfolio.tasks import on_reading_recorded

        # A reading of an epic's or a story's indicator feeds the feedback loop (DESIGN §2.5).
        reading_recorded.connect(on_reading_recorded, dispatch_uid="portfolio.feedback")
