"""Web UI routes of the shell: sign-in, organizations, people, teams, history, API tokens."""

from django.contrib.auth import views as auth_views
from django.urls import path, re_path, reverse_lazy

from northline.orgs import history, sso, views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    # Sign-in with OpenID Connect (issue 16): 404 while it is not configured.
    path("login/sso/", sso.SignInStart.as_view(), name="oidc_authentication_init"),
    path("login/sso/callback/", sso.SignInCallback.as_view(), name="oidc_authentication_callback"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
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
    path("", views.home, name="home"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("o/<slug:slug>/", views.org_home, name="org_home"),
    path("o/<slug:slug>/settings/", views.org_settings, name="org_settings"),
    path("o/<slug:slug>/settings/members/add/", views.member_add, name="member_add"),
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
    path("o/<slug:slug>/people/", views.people, name="people"),
    path("o/<slug:slug>/people/<int:person_id>/", views.person, name="person"),
    path("o/<slug:slug>/people/<int:person_id>/delete/", views.person_delete, name="person_delete"),
    path("o/<slug:slug>/teams/", views.teams, name="teams"),
    path("o/<slug:slug>/teams/<int:team_id>/", views.team, name="team"),
    path("o/<slug:slug>/teams/<int:team_id>/delete/", views.team_delete, name="team_delete"),
    path(
        "o/<slug:slug>/teams/<int:team_id>/members/add/",
        views.team_member_add,
        name="team_member_add",
    ),
    path(
        "o/<slug:slug>/teams/<int:team_id>/members/<int:member_id>/",
        views.team_member,
        name="team_member",
    ),
    path(
        "o/<slug:slug>/teams/<int:team_id>/members/<int:member_id>/remove/",
        views.team_member_remove,
        name="team_member_remove",
    ),
    path("o/<slug:slug>/history/", history.history, name="history"),
    path("o/<slug:slug>/history/csv/", history.history_csv, name="history_csv"),
    re_path(
        r"^o/(?P<slug>[-a-zA-Z0-9_]+)/history/(?P<object_type>[a-z_]+\.[a-z_]+)/(?P<object_id>[-\w]+)/$",
        history.object_history,
        name="object_history",
    ),
]
