"""Web UI routes of the shell: sign-in, organizations, people, teams, history, API tokens."""

from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path, reverse_lazy

from northline.lib.routes import record_paths
from northline.orgs import history, mfa_views, password_reset, sso, views

# The signed-in user's own pages, below /account/.
account_patterns = [
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done")),
        name="password_change",
    ),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    # Password reset by e-mail, for people who cannot sign in (northline.orgs.password_reset).
    path("password/reset/", password_reset.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        password_reset.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    *record_paths(
        "security/",
        mfa_views.security,
        "account_security",
        setup=mfa_views.security_setup,
        confirm=mfa_views.security_confirm,
        recovery_codes=mfa_views.security_recovery_codes,
        turn_off=mfa_views.security_turn_off,
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("tokens/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    *record_paths(
        "invitations/<int:invitation_id>/",
        None,
        "invitation",
        accept=views.invitation_accept,
        decline=views.invitation_decline,
    ),
]

# One organization's shell, below /o/<slug>/ (every view receives ``slug``).
organization_patterns = [
    path("", views.org_home, name="org_home"),
    path("settings/", views.org_settings, name="org_settings"),
    path("settings/invitations/", views.member_invite, name="member_invite"),
    *record_paths(
        "settings/invitations/<int:invitation_id>/",
        None,
        "invitation",
        resend=views.invitation_resend,
        revoke=views.invitation_revoke,
    ),
    *record_paths(
        "settings/members/<int:membership_id>/",
        None,
        "member",
        role=views.member_role,
        remove=views.member_remove,
    ),
    path("settings/delete/", views.org_delete, name="org_delete"),
    path("settings/second-factor/", mfa_views.org_second_factor, name="org_second_factor"),
    path("people/", views.people, name="people"),
    *record_paths("people/<int:person_id>/", views.person, "person", delete=views.person_delete),
    path("teams/", views.teams, name="teams"),
    *record_paths("teams/<int:team_id>/", views.team, "team", delete=views.team_delete),
    path("teams/<int:team_id>/members/add/", views.team_member_add, name="team_member_add"),
    *record_paths(
        "teams/<int:team_id>/members/<int:member_id>/",
        views.team_member,
        "team_member",
        remove=views.team_member_remove,
    ),
    path("history/", history.history, name="history"),
    path("history/csv/", history.history_csv, name="history_csv"),
    re_path(
        r"^history/(?P<object_type>[a-z_]+\.[a-z_]+)/(?P<object_id>[-\w]+)/$",
        history.object_history,
        name="object_history",
    ),
]

urlpatterns = [
    # Two-factor authentication: a password, then a code for users with an authenticator.
    path("login/", mfa_views.SignInView.as_view(), name="login"),
    path("login/verify/", mfa_views.login_verify, name="login_verify"),
    # Sign-in with OpenID Connect (issue 16): 404 while it is not configured.
    path("login/sso/", sso.SignInStart.as_view(), name="oidc_authentication_init"),
    path("login/sso/callback/", sso.SignInCallback.as_view(), name="oidc_authentication_callback"),
    # Django's sign-out, then the provider's too where NORTHLINE_OIDC_LOGOUT asks for it.
    path("logout/", sso.SignOut.as_view(), name="logout"),
    path("account/", include(account_patterns)),
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
    path("o/<slug:slug>/", include(organization_patterns)),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
