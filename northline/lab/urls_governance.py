"""Web UI routes for agreements, alignment sessions, budget, experts and journey reports
(below /o/<slug>/lab/; every view receives ``slug``)."""

from django.urls import path

from northline.lab import views_governance as views

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
    # Alignment sessions
    path(
        "engagements/<int:engagement_id>/sessions/",
        views.engagement_sessions,
        name="lab_engagement_sessions",
    ),
    path("sessions/<int:session_id>/", views.session, name="lab_session"),
    path("sessions/<int:session_id>/delete/", views.session_delete, name="lab_session_delete"),
    path("sessions/<int:session_id>/session.ics", views.session_ics, name="lab_session_ics"),
    path(
        "sessions/<int:session_id>/commitments/new/",
        views.commitment_new,
        name="lab_commitment_new",
    ),
    path("commitments/<int:commitment_id>/", views.commitment, name="lab_commitment"),
    # Budget
    path(
        "engagements/<int:engagement_id>/budget/",
        views.engagement_budget,
        name="lab_engagement_budget",
    ),
    path(
        "engagements/<int:engagement_id>/expenses/new/",
        views.expense_new,
        name="lab_expense_new",
    ),
    path("expenses/<int:expense_id>/delete/", views.expense_delete, name="lab_expense_delete"),
    # Experts in residence
    path("experts/", views.experts_page, name="lab_experts"),
    path("experts/<int:expert_id>/delete/", views.expert_delete, name="lab_expert_delete"),
    path("expert-requests/new/", views.expert_request_new, name="lab_expert_request_new"),
    path("expert-requests/<int:request_id>/", views.expert_request, name="lab_expert_request"),
    # Journey reports
    path(
        "engagements/<int:engagement_id>/journey/",
        views.engagement_journey,
        name="lab_engagement_journey",
    ),
    path("report/", views.report, name="lab_report"),
    path(
        "report/links/<int:link_id>/revoke/",
        views.report_link_revoke,
        name="lab_report_link_revoke",
    ),
    # No sign-in: the token is the permission (see views.shared_report).
    path("shared/<str:token>/", views.shared_report, name="lab_shared_report"),
]
