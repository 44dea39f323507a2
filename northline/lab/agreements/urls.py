"""Web UI routes for agreement templates, agreements, their sections, signatories and initials
(below /o/<slug>/lab/; every view receives ``slug``)."""

from django.urls import path

from northline.lab.agreements import views

urlpatterns = [
    # Agreement templates
    path("templates/", views.templates, name="lab_templates"),
    path("templates/<int:template_id>/", views.template, name="lab_template"),
    path("templates/<int:template_id>/delete/", views.template_delete, name="lab_template_delete"),
    path(
        "templates/<int:template_id>/sections/new/",
        views.template_section_new,
        name="lab_template_section_new",
    ),
    path(
        "template-sections/<int:section_id>/",
        views.template_section,
        name="lab_template_section",
    ),
    path(
        "template-sections/<int:section_id>/delete/",
        views.template_section_delete,
        name="lab_template_section_delete",
    ),
    # Agreements
    path(
        "engagements/<int:engagement_id>/agreements/",
        views.engagement_agreements,
        name="lab_engagement_agreements",
    ),
    path("agreements/<int:agreement_id>/", views.agreement, name="lab_agreement"),
    path("agreements/<int:agreement_id>/print/", views.agreement_print, name="lab_agreement_print"),
    path(
        "agreements/<int:agreement_id>/action/",
        views.agreement_action,
        name="lab_agreement_action",
    ),
    path(
        "agreements/<int:agreement_id>/sections/new/",
        views.agreement_section_new,
        name="lab_agreement_section_new",
    ),
    path(
        "agreements/<int:agreement_id>/signatories/new/",
        views.agreement_signatory_new,
        name="lab_agreement_signatory_new",
    ),
    path(
        "agreement-sections/<int:section_id>/",
        views.agreement_section,
        name="lab_agreement_section",
    ),
    path(
        "agreement-sections/<int:section_id>/delete/",
        views.agreement_section_delete,
        name="lab_agreement_section_delete",
    ),
    path(
        "agreement-sections/<int:section_id>/initial/<int:signatory_id>/",
        views.agreement_initial,
        name="lab_agreement_initial",
    ),
    path(
        "signatories/<int:signatory_id>/delete/",
        views.agreement_signatory_delete,
        name="lab_agreement_signatory_delete",
    ),
]
