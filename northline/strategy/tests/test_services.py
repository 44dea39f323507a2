"""Identity revisions and their diff, investment figures, and the decision log's notices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from northline.lib.errors import Invalid, NotFound, StaleVersion
from northline.orgs import services as org_services
from northline.orgs.models import Event, Notification
from northline.strategy import selectors, services
from northline.strategy.models import CoalitionBody, IdentityRevision

pytestmark = pytest.mark.django_db


# Identity ----------------------------------------------------------------------------------


def test_it_keeps_every_identity_revision_and_diffs_any_two(cast):
    access = cast.access(cast.editor)
    first = services.revise_identity(
        access,
        mission="We issue coastal permits.",
        vision="Simple permits.",
        values=[{"name": "Openness", "meaning": "We publish."}, {"name": "Care"}],
        based_on=0,
    )
    second = services.revise_identity(
        access,
        mission="We protect the coast by deciding permits quickly.",
        vision="Simple permits.",
        values=[{"name": "Openness", "meaning": "We publish."}, {"name": "Speed"}],
        note="Name the outcome.",
        based_on=1,
    )
    assert (first.number, second.number) == (1, 2)
    assert list(IdentityRevision.objects.values_list("number", "mission")) == [
        (2, "We protect the coast by deciding permits quickly."),
        (1, "We issue coastal permits."),
    ]
    assert selectors.current_identity(access) == second
    mission, vision, values = selectors.identity_diff(first, second)
    assert mission.pieces == [
        ("same", "We "),
        ("removed", "issue coastal permits."),
        ("added", "protect the coast by deciding permits quickly."),
    ]
    assert not vision.changed
    assert values.pieces == [
        ("same", "Openness: We publish."),
        ("removed", "Care"),
        ("added", "Speed"),
    ]
    assert Event.objects.filter(object_type="strategy.identityrevision").count() == 2


def test_it_refuses_a_revision_based_on_a_stale_one_and_saves_nothing(cast):
    editor = cast.access(cast.editor)
    services.revise_identity(editor, mission="One.", based_on=0)
    services.revise_identity(cast.owner_access, mission="Two.", based_on=1)
    with pytest.raises(StaleVersion, match="revision 2 after the revision 1"):
        services.revise_identity(editor, mission="My edit of one.", based_on=1)
    assert IdentityRevision.objects.count() == 2
    current = selectors.current_identity(editor)
    assert current is not None
    assert current.mission == "Two."


def test_it_refuses_values_without_a_name(cast):
    with pytest.raises(Invalid, match="Value 2 has no name"):
        services.revise_identity(
            cast.owner_access, mission="M.", values=[{"name": "A"}, {"meaning": "x"}], based_on=0
        )
    assert IdentityRevision.objects.count() == 0


# Links set on create ----------------------------------------------------------------------


def created_event(record) -> Event:
    return Event.objects.get(
        verb="created", object_type=record._meta.label_lower, object_id=str(record.pk)
    )


def test_it_records_a_swot_items_themes_in_its_created_event(cast):
    access = cast.owner_access
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    permits = services.create_theme(access, name="Permits", starts_on=start, ends_on=end)
    skills = services.create_theme(access, name="Skills", starts_on=start, ends_on=end)

    item = services.create_swot_item(
        access, kind="weakness", statement="Paper forms.", themes=[skills, permits]
    )
    bare = services.create_swot_item(access, kind="strength", statement="Staff.")

    assert created_event(item).changes == {
        "kind": "weakness",
        "statement": "Paper forms.",
        "themes": [permits.pk, skills.pk],
    }
    assert created_event(bare).changes == {"kind": "strength", "statement": "Staff.", "themes": []}


def test_it_records_a_value_streams_teams_in_its_created_event(cast):
    access = cast.owner_access
    team = org_services.create_team(access, name="Permits squad", kind="product")

    stream = services.create_value_stream(access, name="Get a permit", teams=[team])

    assert created_event(stream).changes == {
        "name": "Get a permit",
        "description": "",
        "teams": [team.pk],
    }


def test_it_records_who_sits_on_a_coalition_body_in_its_created_event(cast):
    access = cast.owner_access
    rosa = org_services.create_person(access, name="Rosa Fischer")
    omar = org_services.create_person(access, name="Omar Haddad")

    body = services.create_body(
        access,
        name="Value Office",
        kind="VMO",
        authorities=["fund_epics"],
        members=[omar, rosa],
    )

    assert created_event(body).changes == {
        "name": "Value Office",
        "kind": "VMO",
        "description": "",
        "authorities": ["fund_epics"],
        "members": [rosa.pk, omar.pk],
    }
    assert Event.objects.filter(object_type="strategy.coalitionbody").count() == 1


def test_it_creates_no_body_and_no_event_when_a_member_is_of_another_organization(cast):
    stranger = org_services.create_person(
        cast.access(cast.outsider, cast.other_org), name="Sam Stranger"
    )
    events = Event.objects.count()

    with pytest.raises(NotFound, match="No such person"):
        services.create_body(cast.owner_access, name="Value Office", kind="VMO", members=[stranger])

    assert CoalitionBody.objects.count() == 0
    assert Event.objects.count() == events


# Investment --------------------------------------------------------------------------------


def test_it_reports_planned_against_actual_and_each_themes_share(cast):
    access = cast.owner_access
    start, mid, end = dt.date(2026, 1, 1), dt.date(2026, 6, 30), dt.date(2026, 12, 31)
    permits = services.create_theme(access, name="Permits", starts_on=start, ends_on=end)
    skills = services.create_theme(access, name="Skills", starts_on=start, ends_on=end)
    stream = services.create_value_stream(access, name="Enquiries")
    first_half = services.create_investment(
        access, theme=permits, period_start=start, period_end=mid, planned_amount=Decimal("600")
    )
    second_half = services.create_investment(
        access,
        theme=permits,
        period_start=dt.date(2026, 7, 1),
        period_end=end,
        planned_amount=Decimal("400"),
    )
    skills_year = services.create_investment(
        access, theme=skills, period_start=start, period_end=end, planned_amount=Decimal("500")
    )
    services.create_investment(
        access,
        value_stream=stream,
        period_start=start,
        period_end=end,
        planned_amount=Decimal("500"),
    )
    for investment, amount, day in [
        (first_half, "100.50", dt.date(2026, 2, 1)),
        (first_half, "200.00", dt.date(2026, 3, 1)),
        (second_half, "50.00", dt.date(2026, 8, 1)),
        (skills_year, "700.00", dt.date(2026, 9, 1)),
    ]:
        services.record_spend(access, investment, amount=Decimal(amount), spent_on=day)

    report = selectors.planned_vs_actual(access)

    rows = [
        (row.target_name, row.period_start, row.planned, row.actual, row.remaining)
        for row in report.rows
    ]
    assert rows == [
        ("Permits", start, Decimal("600"), Decimal("300.50"), Decimal("299.50")),
        ("Skills", start, Decimal("500"), Decimal("700.00"), Decimal("-200.00")),
        ("Enquiries", start, Decimal("500"), Decimal("0.00"), Decimal("500.00")),
        ("Permits", dt.date(2026, 7, 1), Decimal("400"), Decimal("50.00"), Decimal("350.00")),
    ]
    # Total planned 2000: Permits 1000 → 50 %, Skills 500 → 25 %.
    assert [(s.name, s.planned, s.actual, s.share_of_portfolio) for s in report.themes] == [
        ("Permits", Decimal("1000"), Decimal("350.50"), 0.5),
        ("Skills", Decimal("500"), Decimal("700.00"), 0.25),
    ]
    assert report.totals == {"EUR": (Decimal("2000"), Decimal("1050.50"))}


def test_it_refuses_an_investment_with_two_targets_or_none(cast, strategy):
    access = cast.owner_access
    start, end = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    with pytest.raises(Invalid, match="either a theme or a value stream"):
        services.create_investment(
            access,
            theme=strategy["theme"],
            value_stream=strategy["stream"],
            planned_amount=Decimal(1),
            period_start=start,
            period_end=end,
        )
    with pytest.raises(Invalid, match="either a theme or a value stream"):
        services.create_investment(
            access, planned_amount=Decimal(1), period_start=start, period_end=end
        )


def test_it_refuses_spend_outside_the_investments_period(cast, strategy):
    with pytest.raises(Invalid, match="falls outside the investment's period"):
        services.record_spend(
            cast.owner_access,
            strategy["investment"],
            amount=Decimal(5),
            spent_on=dt.date(2026, 7, 1),
        )


# Decisions ---------------------------------------------------------------------------------


def test_it_notifies_only_owners_and_admins_of_a_strategy_decision(cast):
    mail.outbox.clear()
    decision = services.log_decision(
        cast.access(cast.editor),
        title="Drop the paper form",
        topic="strategy",
        context="Most applicants are online.",
    )
    inbox = Notification.objects.filter(organization=cast.org, kind="decision")
    assert sorted(inbox.values_list("recipient__username", flat=True)) == ["adam", "olivia"]
    assert {n.url for n in inbox} == {f"/o/acme/strategy/decisions/{decision.pk}/"}
    assert sorted(message.to[0] for message in mail.outbox) == [
        "adam@example.org",
        "olivia@example.org",
    ]
    assert "Drop the paper form" in f"{mail.outbox[0].subject} {mail.outbox[0].body}"


def test_it_does_not_notify_for_other_topics_until_the_topic_becomes_strategy(cast):
    access = cast.access(cast.editor)
    decision = services.log_decision(access, title="Use a shared board", topic="delivery")
    assert not Notification.objects.exists()
    services.update_decision(access, decision, version=decision.version, title="Use one board")
    assert not Notification.objects.exists()
    services.update_decision(access, decision, version=decision.version, topic="identity")
    assert Notification.objects.count() == 2


def test_it_links_records_from_any_app_to_a_decision(cast, strategy):
    decision = services.log_decision(
        cast.owner_access,
        title="Waive the training gate",
        topic="lab",
        links=[strategy["theme"], ("lab.engagement", 7, "Permits residency")],
    )
    assert list(decision.links.values_list("object_type", "object_id", "label")) == [
        ("strategy.theme", str(strategy["theme"].pk), "Online permits"),
        ("lab.engagement", "7", "Permits residency"),
    ]


def test_it_only_lets_a_superseded_decision_name_its_successor(cast, strategy):
    access = cast.owner_access
    old, new = strategy["decision"], services.log_decision(access, title="Pilot with two")
    with pytest.raises(Invalid, match="Only a superseded decision"):
        services.update_decision(access, old, version=old.version, superseded_by=new)
    services.update_decision(
        access, old, version=old.version, status="superseded", superseded_by=new
    )
    old.refresh_from_db()
    assert (old.status, old.superseded_by_id, old.version) == ("superseded", new.pk, 2)


def test_it_bumps_the_version_once_for_fields_and_links_together(cast, strategy):
    item = strategy["item"]
    services.update_swot_item(
        cast.owner_access, item, version=1, statement="Paper forms only.", themes=[]
    )
    item.refresh_from_db()
    assert (item.version, item.statement, list(item.themes.all())) == (2, "Paper forms only.", [])
    with pytest.raises(StaleVersion):
        services.update_swot_item(cast.owner_access, item, version=1, themes=[strategy["theme"]])
    assert list(item.themes.all()) == []
