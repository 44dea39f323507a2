from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "northline.orgs"
    label = "orgs"
    verbose_name = "Organizations"

    def ready(self) -> None:
        from northline.lib.web import enter_organizations_with
        from northline.orgs.mfa import page_access

        # Every organization page (lib.web.org_view) resolves the caller's Access through orgs:
        # membership, then the organization's two-factor requirement.
        enter_organizations_with(page_access)

        from northline.orgs.pages import register_record_page

        register_record_page("orgs.person", "person", "person_id")
        register_record_page("orgs.team", "team", "team_id")

        # Receivers connect on import: the security log of refused and locked-out sign-ins
        # (signin), tokens revoked on a new password (receivers), the sign-in time stamped on
        # the session (sessions). Signing in, out and refused go to the audit trail
        # (receivers.connect); single sign-on's settings are checked at start.
        from django.core import checks

        import northline.orgs.sessions
        import northline.orgs.signin  # noqa: F401
        from northline.orgs import receivers, sso

        receivers.connect()
        checks.register(sso.check_configuration)
