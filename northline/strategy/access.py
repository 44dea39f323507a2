"""Access helpers for the strategy records (STYLE §3): 404 outside the organization, then 403
when the caller's role is too low for ``action``."""

from __future__ import annotations

from northline.lib.errors import NotFound
from northline.orgs.access import Access, get_in_org
from northline.orgs.record_access import RecordAccess
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


access_theme = RecordAccess(Theme.objects.all())


access_value_stream = RecordAccess(ValueStream.objects.prefetch_related("teams"))


access_investment = RecordAccess(Investment.objects.select_related("theme", "value_stream"))


def access_spend(
    access: Access, investment: Investment, spend_id: int, action: str = "read"
) -> Spend:
    return get_in_org(access, Spend.objects.filter(investment=investment), spend_id, action)


access_body = RecordAccess(
    CoalitionBody.objects.prefetch_related("members", "responsibilities__theme")
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


access_decision = RecordAccess(
    Decision.objects.select_related("made_by_body", "made_by_person", "superseded_by")
)


def access_decision_link(
    access: Access, decision: Decision, link_id: int, action: str = "read"
) -> DecisionLink:
    return get_in_org(
        access, DecisionLink.objects.filter(decision=decision), link_id, action, "decision link"
    )
