"""Web UI routes for agreement templates, agreements, their sections, signatories and initials
(below /o/<slug>/lab/; every view receives ``slug``)."""

from django.urls import path

from northline.lab.agreements import views
from northline.lib.routes import record_paths

urlpatterns = [
    # Agreement templates
    path("templates/", views.templates, name="lab_templates"),
    *record_paths(
        "templates/<int:template_id>/", views.template, "lab_template", delete=views.template_delete
    ),
    *record_paths(
        "templates/<int:template_id>/sections/",
        None,
        "lab_template_section",
        new=views.template_section_new,
    ),
    *record_paths(
        "template-sections/<int:section_id>/",
        views.template_section,
        "lab_template_section",
        delete=views.template_section_delete,
    ),
    # Agreements
    *record_paths(
        "engagements/<int:engagement_id>/",
        None,
        "lab_engagement",
        agreements=views.engagement_agreements,
    ),
    *record_paths(
        "agreements/<int:agreement_id>/",
        views.agreement,
        "lab_agreement",
        print=views.agreement_print,
        action=views.agreement_action,
    ),
    *record_paths(
        "agreements/<int:agreement_id>/sections/",
        None,
        "lab_agreement_section",
        new=views.agreement_section_new,
    ),
    *record_paths(
        "agreements/<int:agreement_id>/signatories/",
        None,
        "lab_agreement_signatory",
        new=views.agreement_signatory_new,
    ),
    *record_paths(
        "agreement-sections/<int:section_id>/",
        views.agreement_section,
        "lab_agreement_section",
        delete=views.agreement_section_delete,
    ),
    path(
        "agreement-sections/<int:section_id>/initial/<int:signatory_id>/",
        views.agreement_initial,
        name="lab_agreement_initial",
    ),
    *record_paths(
        "signatories/<int:signatory_id>/",
        None,
        "lab_agreement_signatory",
        delete=views.agreement_signatory_delete,
    ),
]
