"""Web UI routes of the shell: sign-in, organizations, people, teams, history, API tokens."""

from django.contrib.auth import views as auth_views
from django.urls import path, re_path, reverse_lazy

from northline.lib.routes import record_paths
from northline.orgs import history, mfa_views, password_reset, sso, views

urlpatterns = [
    # Two-factor authentication: a password, then a code for users with an authenticator.
    path("login/", mfa_views.SignInView.as_view(), name="login"),
    path("login/verify/", mfa_views.login_verify, name="login_verify"),
    # Sign-in with OpenID Connect (issue 16): 404 while it is not configured.
    path("login/sso/", sso.SignInStart.as_view(), name="oidc_authentication_init"),
    path("login/sso/callback/", sso.SignInCallback.as_view(), name="oidc_authentication_callback"),
    # Django's sign-out, then the provider's too where NORTHLINE_OIDC_LOGOUT asks for it.
    path("logout/", sso.SignOut.as_view(), name="logout"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done")),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Password reset by e-mail, for people who cannot sign in (northline.orgs.password_reset).
    path(
        "account/password/reset/",
        password_reset.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "account/password/reset/sent/",
        password_reset.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/password/reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/security/", mfa_views.security, name="account_security"),
    path("account/security/setup/", mfa_views.security_setup, name="account_security_setup"),
    path("account/security/confirm/", mfa_views.security_confirm, name="account_security_confirm"),
    path(
        "account/security/recovery-codes/",
        mfa_views.security_recovery_codes,
        name="account_security_recovery_codes",
    ),
    path(
        "account/security/turn-off/",
        mfa_views.security_turn_off,
        name="account_security_turn_off",
    ),
    path("", views.home, name="home"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path(
        "account/tokens/sign-out-everywhere/",
        views.sign_out_everywhere,
        name="sign_out_everywhere",
    ),
    path("o/<slug:slug>/", views.org_home, name="org_home"),
    path("o/<slug:slug>/settings/", views.org_settings, name="org_settings"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path(
        "account/invitations/<int:invitation_id>/accept/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "account/invitations/<int:invitation_id>/decline/",
        views.invitation_decline,
        name="invitation_decline",
    ),
    path("o/<slug:slug>/settings/invitations/", views.member_invite, name="member_invite"),
    path(
        "o/<slug:slug>/settings/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "o/<slug:slug>/settings/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "o/<slug:slug>/settings/members/<int:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "o/<slug:slug>/settings/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("o/<slug:slug>/settings/delete/", views.org_delete, name="org_delete"),
    path(
        "o/<slug:slug>/settings/second-factor/",
        mfa_views.org_second_factor,
        name="org_second_factor",
    ),
    path("o/<slug:slug>/people/", views.people, name="people"),
    *record_paths(
        "o/<slug:slug>/people/<int:person_id>/", views.person, "person", delete=views.person_delete
    ),
    path("o/<slug:slug>/teams/", views.teams, name="teams"),
    *record_paths(
        "o/<slug:slug>/teams/<int:team_id>/", views.team, "team", delete=views.team_delete
    ),
    path(
        "o/<slug:slug>/teams/<int:team_id>/members/add/",
        views.team_member_add,
        name="team_member_add",
    ),
    *record_paths(
        "o/<slug:slug>/teams/<int:team_id>/members/<int:member_id>/",
        views.team_member,
        "team_member",
        remove=views.team_member_remove,
    ),
    path("o/<slug:slug>/history/", history.history, name="history"),
    path("o/<slug:slug>/history/csv/", history.history_csv, name="history_csv"),
    re_path(
        r"^o/(?P<slug>[-a-zA-Z0-9_]+)/history/(?P<object_type>[a-z_]+\.[a-z_]+)/(?P<object_id>[-\w]+)/$",
        history.object_history,
        name="object_history",
    ),
]
