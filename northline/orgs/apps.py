from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "northline.orgs"
    label = "orgs"
    verbose_name = "Organizations"

    def ready(self) -> None:
        from northline.lib.web import enter_organizations_with
        from northline.orgs.access import access_organization

        # Every organization page (lib.web.org_view) resolves the caller's Access through orgs.
        enter_organizations_with(access_organization)

        from northline.orgs.pages import register_record_page

        register_record_page("orgs.person", "person", "person_id")
        register_record_page("orgs.team", "team", "team_id")

        # Sessions stamp the sign-in time on user_logged_in; tokens are revoked on a new
        # password (post_save of the user). Both connect their receivers on import.
        import northline.orgs.receivers
        import northline.orgs.sessions  # noqa: F401
