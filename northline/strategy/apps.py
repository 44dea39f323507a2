from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "northline.strategy"
    label = "strategy"
    verbose_name = "Strategy"

    def ready(self) -> None:
        from northline.orgs.pages import register_record_page

        register_record_page("strategy.theme", "strategy_theme", "theme_id")
        register_record_page("strategy.valuestream", "strategy_value_stream", "stream_id")
        register_record_page("strategy.investment", "strategy_investment", "investment_id")
        register_record_page("strategy.coalitionbody", "strategy_body", "body_id")
        register_record_page("strategy.decision", "strategy_decision", "decision_id")
