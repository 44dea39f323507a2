"""The history in words: events made through the real services read as sentences, values as
people read them (names, local dates, money with its currency, internal fields hidden), the
filters, the CSV export, and the journey's grouping of bulk steps."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from northline.lab.journey import selectors as journey_selectors
from northline.lab.tests.governance import make_engagement, make_signed
from northline.measures import services as measures
from northline.orgs import services as org_services
from northline.orgs.history import history_rows
from northline.orgs.models import Event
from northline.portfolio import services as portfolio
from northline.portfolio.models import Epic
from northline.portfolio.tests.conftest import indicator_fields
from northline.strategy import services as strategy
from northline.testing import Cast, assert_queries_constant, signed_in

pytestmark = pytest.mark.django_db

RAW = [
    re.compile(r"\d{15,}"),  # a lexorank key
    re.compile(r"\d{2}:\d{2}:\d{2}\.\d+"),  # a timestamp with microseconds
    re.compile(r"\bNone\b"),
    re.compile(r"\b(orgs|auth|strategy|goals|measures|portfolio|delivery|lab|insights)\.[a-z]"),
]


def text_of(response) -> str:
    """The page's main content as text, tags and surrounding blanks dropped."""
    html = response.content.decode()
    main = html[html.index('id="content"') :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def latest_row(cast: Cast, **filters):
    event = Event.objects.filter(organization=cast.org, **filters).latest("id")
    return history_rows(cast.owner_access, [event])[0]


@pytest.fixture
def epic(cast: Cast) -> Epic:
    access = cast.owner_access
    team = org_services.create_team(access, name="Permits Online", kind="product")
    owner = org_services.create_person(access, name="Amara Osei")
    theme = strategy.create_theme(
        access, name="Permits online", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    epic = portfolio.create_epic(
        access,
        title="Permit tracker",
        owner=owner,
        team=team,
        theme=theme,
        what="Applicants see where their permit is.",
        why="Fewer calls.",
        target_date=dt.date(2027, 2, 3),
    )
    # Its lagging indicator, so that it may leave the funnel.
    portfolio.add_lagging_indicator(access, epic, **indicator_fields("Calls about permits"))
    epic.refresh_from_db()
    return epic


# Each event in words ---------------------------------------------------------------------------


def test_a_created_record_names_its_references_and_omits_empty_fields(cast: Cast, epic: Epic):
    row = latest_row(cast, object_type="portfolio.epic", verb="created")
    assert row.sentence == "Olivia Owner created epic “Permit tracker”"
    changes = {change.field: change.value for change in row.changes}
    assert changes["owner"] == "Amara Osei"
    assert changes["team"] == "Permits Online"
    assert changes["theme"] == "Permits online"
    assert changes["target date"] == "3 Feb 2027"
    assert changes["state"] == "Funnel"
    assert "rank" not in changes and "value stream" not in changes  # internal, and empty
    assert "description" not in changes


def test_a_move_says_from_which_column_to_which(cast: Cast, epic: Epic):
    portfolio.move_epic(cast.owner_access, epic, state="todo")
    row = latest_row(cast, object_type="portfolio.epic")
    assert row.sentence == "Olivia Owner moved epic “Permit tracker” from Funnel to To do"
    assert row.changes == []


def test_a_rerank_by_hand_hides_the_rank(cast: Cast, epic: Epic):
    access = cast.owner_access
    other = portfolio.create_epic(access, title="Fee reminders")
    portfolio.move_epic(access, epic, state="funnel", before_id=other.pk)
    row = latest_row(cast, object_type="portfolio.epic", object_id=str(epic.pk))
    assert row.sentence == "Olivia Owner re-ranked epic “Permit tracker” by hand"
    assert row.changes_text == ""


def test_a_changed_reference_reads_from_one_name_to_another(cast: Cast, epic: Epic):
    ben = org_services.create_person(cast.owner_access, name="Ben Ode")
    portfolio.update_epic(cast.owner_access, epic, version=epic.version, owner=ben)
    row = latest_row(cast, object_type="portfolio.epic")
    assert row.sentence == (
        "Olivia Owner changed the owner of epic “Permit tracker” from Amara Osei to Ben Ode"
    )


def test_a_field_set_for_the_first_time_and_booleans_read_in_words(cast: Cast):
    access = cast.owner_access
    person = org_services.create_person(access, name="Priya Patel")
    org_services.update_person(access, person, version=1, title="Lead")
    assert latest_row(cast, object_type="orgs.person").sentence == (
        "Olivia Owner set the title of person “Priya Patel” to Lead"
    )
    team = org_services.create_team(access, name="Payments", kind="product")
    member = org_services.add_team_member(access, team, person=person, roles=["member"])
    row = latest_row(cast, object_type="orgs.teammember")
    assert [change.text for change in row.changes] == [
        "roles: Member",
        "is employee: yes",
        "co located: yes",
    ]
    org_services.update_team_member(
        access, member, version=member.version, roles=["scrum_master", "member"]
    )
    assert latest_row(cast, object_type="orgs.teammember").tail == (
        " from Member to Scrum master, Member"
    )


def test_money_carries_its_currency(cast: Cast):
    access = cast.owner_access
    theme = strategy.create_theme(
        access, name="Permits online", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    investment = strategy.create_investment(
        access,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        planned_amount=Decimal("60000"),
        theme=theme,
        currency="NOK",
    )
    strategy.record_spend(
        access, investment, amount=Decimal("1250.50"), spent_on=dt.date(2026, 3, 2)
    )
    created = {
        c.field: c.value for c in latest_row(cast, object_type="strategy.investment").changes
    }
    assert created["planned amount"] == "60,000 NOK"
    spent = {c.field: c.value for c in latest_row(cast, object_type="strategy.spend").changes}
    assert spent["amount"] == "1,250.50 NOK"  # the investment's currency
    assert spent["spent on"] == "2 Mar 2026"


@override_settings(TIME_ZONE="Pacific/Auckland")
def test_times_read_in_the_organizations_time_zone_without_microseconds(cast: Cast):
    access = cast.owner_access
    indicator = measures.create_indicator(
        access, kind="lagging", **indicator_fields("Permits decided within 30 days")
    )
    measures.record_reading(
        access,
        indicator,
        value=55.0,
        recorded_at=dt.datetime(2026, 3, 1, 22, 30, 15, 123456, tzinfo=dt.UTC),
    )
    row = latest_row(cast, object_type="measures.reading")
    changes = {change.field: change.value for change in row.changes}
    assert changes["recorded at"] == "2 Mar 2026 11:30"  # UTC+13 in March
    assert changes["value"] == "55"
    assert changes["indicator"] == "Permits decided within 30 days"


def test_the_history_page_shows_no_raw_values(cast: Cast, epic: Epic):
    access = cast.owner_access
    other = portfolio.create_epic(access, title="Fee reminders")
    portfolio.move_epic(access, epic, state="funnel", before_id=other.pk)
    page = signed_in(cast.viewer).get(reverse("history", args=["acme"]))
    text = text_of(page)
    assert "Olivia Owner re-ranked epic “ Permit tracker ” by hand" in text
    for raw in RAW:
        assert not raw.search(text), raw.pattern


# Filters ----------------------------------------------------------------------------------------


@pytest.fixture
def mixed(cast: Cast) -> dict:
    """Events by two people in two sections."""
    owner, editor = cast.owner_access, cast.access(cast.admin, cast.org)
    person = org_services.create_person(owner, name="Priya Patel")
    org_services.create_person(editor, name="Ben Ode")
    theme = strategy.create_theme(
        editor, name="Permits online", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    return {"person": person, "theme": theme}


def shown_events(response) -> list[tuple[str, str, str]]:
    return [(r.actor, r.event.verb, r.record) for r in response.context["rows"]]


def test_it_filters_by_person(cast: Cast, mixed):
    response = signed_in(cast.viewer).get(reverse("history", args=["acme"]), {"who": cast.admin.pk})
    assert response.status_code == 200
    assert {actor for actor, _, _ in shown_events(response)} == {"Adam"}
    assert ("Adam", "created", "Ben Ode") in shown_events(response)


def test_it_filters_by_section(cast: Cast, mixed):
    response = signed_in(cast.viewer).get(
        reverse("history", args=["acme"]), {"section": "strategy"}
    )
    assert shown_events(response) == [("Adam", "created", "Permits online")]


def test_it_filters_by_record(cast: Cast, mixed):
    person = mixed["person"]
    org_services.update_person(cast.owner_access, person, version=1, title="Lead")
    response = signed_in(cast.viewer).get(
        reverse("history", args=["acme"]), {"type": "orgs.person", "record": person.pk}
    )
    assert [verb for _, verb, _ in shown_events(response)] == ["updated", "created"]
    assert f'<option value="{person.pk}" selected>Priya Patel</option>' in (
        response.content.decode()
    )


def test_it_combines_filters(cast: Cast, mixed):
    url = reverse("history", args=["acme"])
    viewer = signed_in(cast.viewer)
    both = viewer.get(url, {"who": str(cast.admin.pk), "section": "organization"})
    assert shown_events(both) == [("Adam", "created", "Ben Ode")]
    none = viewer.get(url, {"who": str(cast.owner.pk), "section": "strategy"})
    assert shown_events(none) == []
    assert "No events match these filters." in none.content.decode()


def test_it_filters_by_date_range_in_whole_days(cast: Cast, mixed):
    url = reverse("history", args=["acme"])
    viewer = signed_in(cast.viewer)
    today = timezone.localdate()
    count = Event.objects.filter(organization=cast.org).count()
    same_day = viewer.get(url, {"from": today.isoformat(), "to": today.isoformat()})
    assert same_day.context["page"].paginator.count == count
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert viewer.get(url, {"from": tomorrow}).context["page"].paginator.count == 0
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert viewer.get(url, {"to": yesterday}).context["page"].paginator.count == 0


def test_it_refuses_a_malformed_date_with_a_message(cast: Cast, mixed):
    response = signed_in(cast.viewer).get(reverse("history", args=["acme"]), {"from": "5/12/26"})
    assert response.status_code == 400
    assert "From: Enter the date as year-month-day, for example 2026-12-05." in text_of(response)
    assert response.context["rows"] == []


def test_it_refuses_an_end_before_the_start(cast: Cast, mixed):
    response = signed_in(cast.viewer).get(
        reverse("history", args=["acme"]), {"from": "2026-12-05", "to": "2026-12-01"}
    )
    assert response.status_code == 400
    assert "To: The end date comes before the start date." in text_of(response)


def test_it_refuses_an_unknown_person(cast: Cast, mixed):
    response = signed_in(cast.viewer).get(
        reverse("history", args=["acme"]), {"who": cast.outsider.pk}
    )
    assert response.status_code == 400
    assert "Person: Select a valid choice." in text_of(response)


def test_pagination_keeps_the_filters(cast: Cast):
    access = cast.owner_access
    for number in range(55):
        org_services.create_person(access, name=f"Person {number}")
    response = signed_in(cast.viewer).get(
        reverse("history", args=["acme"]), {"section": "organization", "type": "orgs.person"}
    )
    assert 'href="?section=organization&amp;type=orgs.person&amp;page=2"' in (
        response.content.decode()
    )
    second = signed_in(cast.viewer).get(
        reverse("history", args=["acme"]),
        {"section": "organization", "type": "orgs.person", "page": "2"},
    )
    people = Event.objects.filter(organization=cast.org, object_type="orgs.person").count()
    assert people > 55
    assert len(second.context["rows"]) == people - 50
    assert {row.event.object_type for row in second.context["rows"]} == {"orgs.person"}


def test_the_history_page_queries_do_not_grow_with_its_rows(cast: Cast, epic: Epic):
    access = cast.owner_access
    viewer = signed_in(cast.viewer)
    url = reverse("history", args=["acme"])
    made = iter(range(1000))

    def grow() -> None:
        for _ in range(5):
            number = next(made)
            person = org_services.create_person(access, name=f"Owner {number}")
            other = portfolio.create_epic(access, title=f"Epic {number}", owner=person)
            portfolio.update_epic(access, other, version=other.version, owner=epic.owner)
            strategy.create_investment(
                access,
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2026, 12, 31),
                planned_amount=Decimal(number + 1),
                theme=epic.theme,
            )

    grow()
    assert_queries_constant(lambda: viewer.get(url), grow)
    assert_queries_constant(lambda: viewer.get(url, {"section": "portfolio"}), grow)


# CSV export -------------------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_holds_the_filtered_events_in_words(cast: Cast, epic: Epic):
    portfolio.move_epic(cast.owner_access, epic, state="todo")
    response = signed_in(cast.viewer).get(
        reverse("history_csv", args=["acme"]), {"section": "portfolio"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="acme-history-' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == [
        "When",
        "Who",
        "Section",
        "Record kind",
        "Record",
        "What happened",
        "Changes",
    ]
    moved, linked, created = rows[1], rows[2], rows[3]
    assert linked[5] == (
        "Olivia Owner linked lagging indicator “Calls about permits” to epic “Permit tracker”"
    )
    assert moved[1:] == [
        "Olivia Owner",
        "Portfolio",
        "epic",
        "Permit tracker",
        "Olivia Owner moved epic “Permit tracker” from Funnel to To do",
        "",
    ]
    assert re.match(r"^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}$", moved[0])
    assert "owner: Amara Osei" in created[6] and "target date: 3 Feb 2027" in created[6]
    assert len(rows) == 4  # the person, team, theme and indicator are in other sections


def test_the_csv_applies_the_person_and_date_filters(cast: Cast, epic: Epic):
    admin = cast.access(cast.admin, cast.org)
    org_services.create_person(admin, name="Ben Ode")
    url = reverse("history_csv", args=["acme"])
    rows = csv_rows(signed_in(cast.viewer).get(url, {"who": cast.admin.pk}))
    assert [row[5] for row in rows[1:]] == ["Adam created person “Ben Ode”"]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert len(csv_rows(signed_in(cast.viewer).get(url, {"from": tomorrow}))) == 1


def test_the_csv_refuses_a_malformed_date(cast: Cast):
    response = signed_in(cast.viewer).get(reverse("history_csv", args=["acme"]), {"to": "soon"})
    assert response.status_code == 400
    assert response.content.decode() == (
        "The history could not be exported. To: Enter the date as year-month-day, "
        "for example 2026-12-05."
    )


def test_the_csv_keeps_a_formula_as_text(cast: Cast):
    org_services.create_person(cast.owner_access, name="=HYPERLINK(1)")
    rows = csv_rows(signed_in(cast.viewer).get(reverse("history_csv", args=["acme"])))
    assert rows[1][4] == "'=HYPERLINK(1)"


def test_the_csv_is_for_members_only(cast: Cast):
    url = reverse("history_csv", args=["acme"])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert signed_in(cast.outsider).get(url).status_code == 404
    assert signed_in(cast.viewer).get(url).status_code == 200  # read-only: viewers may


# The journey groups bulk steps ----------------------------------------------------------------


def test_the_journey_folds_a_bulk_step_into_one_row(cast: Cast):
    signed = make_signed(cast)
    page = (
        signed_in(cast.viewer)
        .get(f"/o/acme/lab/engagements/{signed.engagement.pk}/journey/")
        .content.decode()
    )
    assert "<strong>Olivia Owner</strong>: 2 agreement sections created</summary>" in page
    assert "<strong>Olivia Owner</strong>: 2 signatories created</summary>" in page
    assert "created agreement section" not in page and "created signatory" not in page


def test_the_journey_groups_only_alike_events_close_together(cast: Cast):
    engagement = make_engagement(cast)
    access = cast.owner_access
    at = timezone.now()

    def event(seconds: int, verb: str = "created", actor=None, kind="lab.checklistitem"):
        actor = actor or cast.owner
        return Event(
            organization=cast.org,
            actor=actor,
            actor_name=actor.username,
            verb=verb,
            object_type=kind,
            object_id="1",
            object_repr="An item",
            created_at=at - dt.timedelta(seconds=seconds),
        )

    entries = [
        journey_selectors.TimelineEntry(event=e, kind=e.object_type.split(".")[1])
        for e in [
            event(0),
            event(20),
            event(50),
            event(130),  # more than a minute after the run's first
            event(131, actor=cast.editor),
            event(132, verb="updated"),
            event(133, kind="lab.expense"),
        ]
    ]
    steps = journey_selectors.timeline_steps(access, entries)
    assert [len(step.rows) for step in steps] == [3, 1, 1, 1, 1]
    assert steps[0].summary == "3 checklist items created"
    assert engagement.pk
