"""Every HTML page fails closed: a permission walk over the URLconf, like the API's
(northline/tests/test_openapi_walk.py), in the spirit of NetBox's generated view tests.

The walk resolves every URL pattern of the organization's pages (``o/<slug>/…``) and of the
signed-in user's own pages, so a page added by any app is covered without being listed here.
It fills each pattern's arguments with real records: the API walk's (each app's
``tests/walk.py``), under the same name, or under the name :data:`ALIASES` gives it where the
page calls it something else. A pattern whose argument has no record fails the walk, naming the
pattern and the argument.

What every page must answer:

* anonymous GET and POST → the sign-in page (a redirect naming the page);
* a member of another organization, GET and POST → 404 (as for an organization that does not
  exist), writing nothing;
* a viewer's POST → 403 from every page that writes (except the writes open to every member,
  :data:`VIEWER_WRITES`); a page that only reads answers it as a GET (200, or 405), and no
  request of the viewer's writes anything;
* every member's GET (viewer to owner) → 200, or the answer :data:`GET_ANSWERS` names.

A page that does not take a method (a POST of a download) answers 405 to every caller, before
any question of who is asking; the walk accepts that answer everywhere, provided its Allow
header leaves the method out. A button's target (a URL that takes only POST) answers a signed-in
GET with a redirect to the page it sits under, computed from the address alone (the same for
every caller, so it tells an outsider nothing); the walk accepts that too, and the anonymous
visitor is sent to sign in first, as everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from northline.orgs.models import Event
from northline.portfolio.models import Epic
from northline.strategy import services as strategy_services
from northline.strategy.models import Theme
from northline.testing import Cast, signed_in
from northline.tests.test_openapi_walk import build_path_values

pytestmark = pytest.mark.django_db

ORG_PREFIX = "o/<slug:slug>/"

# Patterns that are not a member's or an account's pages: signing in and out, the health check,
# the API (walked by test_openapi_walk), the calendar feed (its secret URL is the key) and the
# favicon (a redirect to the static icon, public like it).
NOT_WALKED = {
    "login",
    "login_verify",  # the second step of signing in (two-factor authentication)
    "logout",
    "healthz",
    "healthz_tasks",
    "delivery_calendar_feed",
    "favicon",
}
# Password reset is for people who cannot sign in: open to everyone, tested in
# northline/orgs/tests/test_password_reset.py.
NOT_WALKED |= {
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
# Signing in with OpenID Connect (404 while it is off; northline/orgs/tests/test_sso.py).
NOT_WALKED |= {"oidc_authentication_init", "oidc_authentication_callback"}

# Pages anyone holding the link may open: a shared lab report, a survey's public answer page,
# a digest's unsubscribe link (its signed token is the authority, since a mail client's
# one-click unsubscribe comes without a session), and an invitation's link (whoever holds it may
# accept, or create an account to). An unknown link is 404 to everyone, signed in
# or not.
PUBLIC = {"lab_shared_report", "insights_survey_public", "unsubscribe", "invitation"}

# A pattern's argument under the name the API walk gives its record, where the page names it
# differently. Keyed by (the path segment before the argument, the argument) where one name
# means different records on different pages (an ``item_id`` of a SWOT list, of a lab
# checklist, of a playbook phase), else by the argument alone.
ALIASES: dict[tuple[str, str] | str, str] = {
    "slug": "org",
    "number": "revision_number",
    "stream_id": "value_stream_id",
    "feed_id": "calendar_feed_id",
    "record_id": "training_record_id",
    "token": "unknown_token",  # an invitation's link (the other links are keyed below)
    ("swot", "item_id"): "swot_item_id",
    ("checklist", "item_id"): "checklist_item_id",
    ("items", "item_id"): "phase_item_id",
    ("template-sections", "section_id"): "template_section_id",
    ("agreement-sections", "section_id"): "section_id",
    ("links", "link_id"): "decision_link_id",  # …/decisions/<int:decision_id>/links/<link_id>/
    ("report/links", "link_id"): "link_id",  # the lab report's shared links
    ("surveys/<int:survey_id>/links", "link_id"): "survey_link_id",
    ("themes/<int:theme_id>/indicators", "indicator_id"): "theme_indicator_id",
    ("epics/<int:epic_id>/indicators", "indicator_id"): "epic_indicator_id",
    ("shared", "token"): "unknown_token",
    ("answer", "token"): "unknown_token",
    ("unsubscribe", "token"): "unknown_token",
}

# A viewer's GET answers 200 (405 from a page that takes only POST) except on these pages.
GET_ANSWERS: dict[str, int] = {
    # Home: a member of a single organization is taken straight to it.
    "home": 302,
}

# Writes open to every member, viewers included, with what the walk's body gets from them.
VIEWER_WRITES: dict[str, int] = {
    # Every member answers a survey; the walk's body is not an answer, so the form refuses it.
    "insights_survey_answer": 422,
}

# A body most write forms would accept, so that a 403 comes from the role and not from a form
# left empty. Keys that only one form reads are harmless to the others.
PAYLOAD: dict[str, Any] = {
    "name": "Changed",
    "title": "Changed",
    "label": "Changed",
    "statement": "Changed",
    "mission": "Changed",
    "description": "Changed",
    "slug": "changed",
    "based_on": 1,
    "version": 1,
    "kind": "strength",
    "status": "active",
    "state": "doing",
    "role": "viewer",
    "user": "oscar",
    "confirm_slug": "acme",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "start_date": "2026-01-01",
    "target_date": "2026-12-31",
    "planned_date": "2030-01-01",
    "decided_on": "2026-01-01",
    "period_start": "2026-01-01",
    "period_end": "2026-02-01",
    "planned_amount": "5",
    "amount": "1",
    "spent_on": "2026-02-02",
    "currency": "EUR",
    "topic": "strategy",
    "baseline": 0,
    "target": 10,
    "value": 5,
    "weight": 1,
    "days": 3,
    "capacity": 10,
    "todo": 3,
    "close_reason": "duplicate",
    "close_note": "Twice.",
    "override_reason": "Because.",
    "reason": "Because.",
    "url": "https://hooks.example.org/other",
    "events": ["notice.sent"],
}


@dataclass(frozen=True)
class Page:
    name: str
    route: str  # the pattern as written, includes joined: "o/<slug:slug>/strategy/swot/…"
    arguments: tuple[str, ...]

    @property
    def in_organization(self) -> bool:
        return self.route.startswith(ORG_PREFIX) or self.route.startswith("^o/")


def patterns(resolver: Any = None, prefix: str = "", names: tuple[str, ...] = ()) -> list[Page]:
    """Every named URL pattern of the URLconf, its route written out with its includes'."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        arguments = (*names, *entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            found.extend(patterns(entry, route, arguments))
        elif isinstance(entry, URLPattern) and entry.name:
            found.append(Page(entry.name, route, arguments))
    return found


def walked_pages() -> list[Page]:
    return [
        page
        for page in patterns()
        if not page.route.startswith("api/") and page.name not in NOT_WALKED
    ]


def record_name(page: Page, argument: str) -> str:
    """The name of the record that fills ``argument`` of ``page``: the alias of the longest path
    before the argument that ALIASES knows, else of the argument, else the argument's own."""
    found = re.search(rf"<(?:\w+:)?{argument}>", page.route)
    before = page.route[: found.start()] if found else ""
    by_path = [
        (len(key[0]), name)
        for key, name in ALIASES.items()
        if isinstance(key, tuple) and key[1] == argument and before.endswith(f"/{key[0]}/")
    ]
    if by_path:
        return max(by_path)[1]
    alias = ALIASES.get(argument)
    return alias if isinstance(alias, str) else argument


def url_of(page: Page, values: dict[str, Any]) -> str:
    kwargs = {}
    for argument in page.arguments:
        name = record_name(page, argument)
        assert name in values, (
            f"No record for <{argument}> of the page {page.name} ({page.route}): build one in "
            f"the tests/walk.py of the app that owns it, or name it in ALIASES (as {name!r})"
        )
        kwargs[argument] = values[name]
    return reverse(page.name, kwargs=kwargs)


def extra_values(cast: Cast, values: dict[str, Any]) -> None:
    """Records the API routes never name: the history of one record, one board column, one
    report export, the indicators linked to the walk's theme and epic, a link nobody issued."""
    theme = Theme.objects.get(organization=cast.org, pk=values["theme_id"])
    epic = Epic.objects.get(organization=cast.org, pk=values["epic_id"])
    measured_by = strategy_services.add_theme_indicator(
        cast.owner_access, theme, name="Permits applied online", unit="%", baseline=5, target=80
    )
    values.update(
        object_type="strategy.theme",
        object_id=str(theme.pk),
        state="todo",
        report="flow",
        fmt="csv",
        theme_indicator_id=measured_by.pk,
        epic_indicator_id=epic.lagging_indicators.get().pk,
        unknown_token="no-such-link",
    )


@pytest.fixture
def walk(cast: Cast) -> dict[str, str]:
    """Each walked page's URL by pattern name, filled with the walk's records."""
    values = build_path_values(cast)
    extra_values(cast, values)
    return {page.name: url_of(page, values) for page in walked_pages()}


def organization_pages() -> list[Page]:
    return [page for page in walked_pages() if page.in_organization and page.name not in PUBLIC]


def account_pages() -> list[Page]:
    return [page for page in walked_pages() if not page.in_organization and page.name not in PUBLIC]


def test_it_walks_every_page_of_the_urlconf(walk: dict[str, str]) -> None:
    names = {page.name for page in walked_pages()}
    assert set(walk) == names
    # Each app's home and a record page of each, to be sure the walk sees the whole site.
    for name in ("strategy", "goals", "portfolio", "delivery", "lab", "insights", "org_home"):
        assert name in names, name
    assert len(organization_pages()) >= 170
    assert {page.name for page in account_pages()} >= {"home", "inbox", "tokens", "preferences"}


def not_taken(response: Any, method: str, url: str = "") -> bool:
    """A request refused with 405 by a page that does not take its method (a POST of a
    download), or a signed-in GET of a button's target sent on to an enclosing address (``url``
    given): the same answer for every caller and every organization, so it tells an outsider
    nothing."""
    if response.status_code == 405:
        return method not in response["Allow"]
    return (
        bool(url)
        and method == "GET"
        and response.status_code == 302
        and url.startswith(response["Location"])
        and len(response["Location"]) < len(url)
    )


def test_it_sends_the_anonymous_visitor_to_sign_in_from_every_page(walk: dict[str, str]) -> None:
    client = Client()
    wrong = []
    for page in organization_pages() + account_pages():
        url = walk[page.name]
        for method, response in (("GET", client.get(url)), ("POST", client.post(url, PAYLOAD))):
            if not_taken(response, method):
                continue
            if response.status_code != 302 or response["Location"] != f"/login/?next={url}":
                wrong.append(f"anonymous {method} {page.name} {url}: {response.status_code}")
    assert wrong == [], "\n".join(wrong)


def test_it_answers_404_to_an_unknown_link_of_a_public_page(
    walk: dict[str, str], cast: Cast
) -> None:
    for client in (Client(), signed_in(cast.outsider), signed_in(cast.viewer)):
        for name in sorted(PUBLIC):
            assert client.get(walk[name]).status_code == 404, name


def test_it_hides_every_organization_page_from_outsiders(walk: dict[str, str], cast: Cast) -> None:
    outsider = signed_in(cast.outsider)
    events = Event.objects.count()
    wrong = []
    for page in organization_pages():
        url = walk[page.name]
        for method, response in (("GET", outsider.get(url)), ("POST", outsider.post(url, PAYLOAD))):
            if not_taken(response, method, url):
                continue
            if response.status_code != 404:
                wrong.append(f"outsider {method} {page.name} {url}: {response.status_code}")
    assert wrong == [], "\n".join(wrong)
    assert Event.objects.count() == events


def takes_writes(owner: Client, url: str) -> bool:
    """Whether the page treats a POST as a write: the owner's same POST writes, redirects after
    success or refuses the body (422/409). Tried in a savepoint that is rolled back, so the
    walk's records stay as they are for the next pages."""
    with transaction.atomic():
        before = Event.objects.count()
        response = owner.post(url, PAYLOAD)
        wrote = Event.objects.count() != before
        transaction.set_rollback(True)
    return wrote or response.status_code in (302, 303, 409, 422)


def test_it_refuses_every_write_by_a_viewer(walk: dict[str, str], cast: Cast) -> None:
    """403 from every page that writes. A page that only reads answers a POST as it would a
    GET (200, or 405 from one that takes GET alone); that request must write nothing either,
    and the owner's same POST must not be a write (else the viewer's 200 hid a missing check)."""
    viewer = signed_in(cast.viewer)
    owner = signed_in(cast.owner)
    events = Event.objects.count()
    wrong = []
    for page in organization_pages():
        url = walk[page.name]
        before = Event.objects.count()
        response = viewer.post(url, PAYLOAD)
        expected = VIEWER_WRITES.get(page.name, 403)
        if not_taken(response, "POST"):
            continue
        if response.status_code == 200 and page.name not in VIEWER_WRITES:
            if Event.objects.count() != before:
                wrong.append(f"viewer POST {page.name} {url}: 200 and wrote")
            elif takes_writes(owner, url):
                wrong.append(f"viewer POST {page.name} {url}: 200 from a page that writes")
            continue
        if response.status_code != expected:
            wrong.append(f"viewer POST {page.name} {url}: {response.status_code}")
        elif expected == 403 and b"Not allowed" not in response.content:
            wrong.append(f"viewer POST {page.name} {url}: 403 without the page saying why")
    assert wrong == [], "\n".join(wrong)
    assert Event.objects.count() == events


def test_it_lets_every_member_read_every_page(walk: dict[str, str], cast: Cast) -> None:
    """The outsider's 404s mean something only if the same URLs answer a member; an editor's,
    admin's or owner's page also renders the write forms a viewer's leaves out."""
    wrong = []
    for user in (cast.viewer, cast.editor, cast.admin, cast.owner):
        member = signed_in(user)
        for page in organization_pages() + account_pages():
            url = walk[page.name]
            response = member.get(url)
            if not_taken(response, "GET", url):
                continue
            if response.status_code != GET_ANSWERS.get(page.name, 200):
                wrong.append(f"{user.username} GET {page.name} {url}: {response.status_code}")
    assert wrong == [], "\n".join(wrong)


def test_it_names_the_page_and_the_argument_that_has_no_record() -> None:
    page = Page(
        "strategy_theme", "o/<slug:slug>/strategy/themes/<int:theme_id>/", ("slug", "theme_id")
    )
    with pytest.raises(AssertionError, match=r"No record for <theme_id> of the page strategy_th"):
        url_of(page, {"org": "acme"})
    assert record_name(page, "slug") == "org"
