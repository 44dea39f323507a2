from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "northline.orgs"
    label = "orgs"
    verbose_name = "Organizations"

    def ready(self) -> None:
        from northline.orgs.pages import register_record_page

        register_record_page("orgs.person", "person", "person_id")
        register_record_page("orgs.team", "team", "team_id")
