from django.apps import AppConfig


class LabConfig(AppConfig):
    name = "northline.lab"
    label = "lab"
    verbose_name = "Lab"

    def ready(self) -> None:
        from northline.lab.agreements.services import install_default_template
        from northline.lab.engagements.playbook import install_default_playbook
        from northline.orgs.signals import organization_created

        # A new organization starts with the default playbook and partnership agreement.
        organization_created.connect(install_default_playbook, dispatch_uid="lab_playbook")
        organization_created.connect(
            install_default_template, dispatch_uid="lab_agreement_template"
        )

        from northline.delivery.calendar import register_calendar_source
        from northline.lab.sessions.calendar import calendar_events
        from northline.orgs.pages import register_record_page

        # Sessions appear in the delivery calendar feeds beside releases and experiments.
        register_calendar_source(calendar_events)

        register_record_page("lab.engagement", "lab_engagement", "engagement_id")
        register_record_page("lab.agreement", "lab_agreement", "agreement_id")
        register_record_page("lab.alignmentsession", "lab_session", "session_id")

        from northline.lab.agreements.services import reseal_imported
        from northline.orgs.transfer import register_sealed_model

        # Initials are sealed with SECRET_KEY: an import from another installation re-seals them.
        register_sealed_model("lab.initial", reseal_imported)
