import importlib.util

from django.apps import AppConfig


class LabConfig(AppConfig):
    name = "northline.lab"
    label = "lab"
    verbose_name = "Lab"

    def ready(self) -> None:
        from northline.lab.playbook import install_default_playbook
        from northline.orgs.signals import organization_created

        organization_created.connect(install_default_playbook, dispatch_uid="lab_playbook")
        # The governance side's default agreement template; connected once its module exists.
        if importlib.util.find_spec("northline.lab.agreement_template") is not None:
            from northline.lab.agreement_template import install_default_template

            organization_created.connect(
                install_default_template, dispatch_uid="lab_agreement_template"
            )
