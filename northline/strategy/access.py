"""Access helpers for the strategy records (STYLE §3): 404 outside the organization, then 403
when the caller's role is too low for ``action``."""

from __future__ import annotations

from northline.lib.errors import NotFound
from northline.orgs.access import Access, get_in_org
from northline.strategy.models import (
    CoalitionBody,
    Decision,
    DecisionLink,
    IdentityRevision,
    Investment,
    Responsibility,
    Spend,
    SwotItem,
    Theme,
    ValueStream,
)


def access_revision(access: Access, number: int) -> IdentityRevision:
    """One revision of the identity, by its number (revisions are read-only)."""
    revision = (
        IdentityRevision.objects.select_related("author")
        .filter(organization=access.organization, number=number)
        .first()
    )
    if revision is None:
        raise NotFound(f"No identity revision {number} in this organization.")
    return revision


def access_swot_item(access: Access, item_id: int, action: str = "read") -> SwotItem:
    return get_in_org(
        access, SwotItem.objects.prefetch_related("themes"), item_id, action, "SWOT item"
    )


def access_theme(access: Access, theme_id: int, action: str = "read") -> Theme:
    return get_in_org(access, Theme.objects.all(), theme_id, action)


def access_value_stream(access: Access, stream_id: int, action: str = "read") -> ValueStream:
    return get_in_org(
        access, ValueStream.objects.prefetch_related("teams"), stream_id, action, "value stream"
    )


def access_investment(access: Access, investment_id: int, action: str = "read") -> Investment:
    return get_in_org(
        access,
        Investment.objects.select_related("theme", "value_stream"),
        investment_id,
        action,
    )


def access_spend(
    access: Access, investment: Investment, spend_id: int, action: str = "read"
) -> Spend:
    return get_in_org(access, Spend.objects.filter(investment=investment), spend_id, action)


def access_body(access: Access, body_id: int, action: str = "read") -> CoalitionBody:
    return get_in_org(
        access,
        CoalitionBody.objects.prefetch_related("members", "responsibilities__theme"),
        body_id,
        action,
        "coalition body",
    )


def access_responsibility(
    access: Access, body: CoalitionBody, responsibility_id: int, action: str = "read"
) -> Responsibility:
    return get_in_org(
        access,
        Responsibility.objects.filter(body=body).select_related("theme"),
        responsibility_id,
        action,
    )


def access_decision(access: Access, decision_id: int, action: str = "read") -> Decision:
    return get_in_org(
        access,
        Decision.objects.select_related("made_by_body", "made_by_person", "superseded_by"),
        decision_id,
        action,
    )


def access_decision_link(
    access: Access, decision: Decision, link_id: int, action: str = "read"
) -> DecisionLink:
    return get_in_org(
        access, DecisionLink.objects.filter(decision=decision), link_id, action, "decision link"
    )
