from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "northline.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from northline.orgs.pages import register_record_page

        register_record_page("insights.survey", "insights_survey", "survey_id")
