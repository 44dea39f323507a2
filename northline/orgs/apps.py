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

        # Sign-in, sign-out and refused sign-ins in the audit trail (issue 16).
        from django.core import checks

        from northline.orgs import receivers, sso

        receivers.connect()
        checks.register(sso.check_configuration)
