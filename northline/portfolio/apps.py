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

        from northline.orgs.pages import register_record_page, register_record_panel
        from northline.portfolio.views import key_result_epics_panel

        register_record_page("portfolio.epic", "portfolio_epic", "epic_id")
        register_record_page("portfolio.story", "portfolio_story", "story_id")
        register_record_page("portfolio.sprint", "portfolio_sprint", "sprint_id")
        # The key result's page shows the epics that drive it (goals cannot import portfolio).
        register_record_panel("goals.keyresult", key_result_epics_panel)

        from northline.portfolio.team_panel import team_epics_panel, team_stories_panel

        # The team page lists the team's epics and stories (orgs cannot import portfolio).
        register_record_panel("orgs.team", team_epics_panel)
        register_record_panel("orgs.team", team_stories_panel)
