from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "northline.goals"
    label = "goals"
    verbose_name = "Goals"

    def ready(self) -> None:
        from northline.orgs.pages import register_record_page

        register_record_page("goals.period", "goals_period", "period_id")
        register_record_page("goals.objective", "goals_objective", "objective_id")
        register_record_page("goals.keyresult", "goals_key_result", "key_result_id")

        from northline.goals.team_panel import team_objectives_panel
        from northline.orgs.pages import register_record_panel

        # The team page lists the team's objectives (orgs cannot import goals).
        register_record_panel("orgs.team", team_objectives_panel)
