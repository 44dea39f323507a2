"""Writes to report links: a link shares the lab report without sign-in until revoked."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from northline.lab.journey.selectors import LINK_PREFIX
from northline.lab.models import ReportLink
from northline.lib.errors import Conflict
from northline.orgs.access import Access
from northline.orgs.services import add_record, change_record, digest_of


@transaction.atomic
def create_report_link(access: Access, *, label: str) -> tuple[ReportLink, str]:
    """A new read-only link; the secret is returned here once and never stored. Sharing the
    lab's report outside the organization is an administrator's call."""
    access.require("manage")
    raw = LINK_PREFIX + secrets.token_urlsafe(24)
    link = add_record(
        access,
        ReportLink(
            organization=access.organization,
            label=label,
            digest=digest_of(raw),
            created_by=access.user,
        ),
    )
    return link, raw


@transaction.atomic
def revoke_report_link(access: Access, link: ReportLink) -> ReportLink:
    access.require("manage")
    if link.revoked_at is not None:
        raise Conflict(f"“{link.label}” is already revoked.", code="already_revoked")
    return change_record(
        access, link, version=link.version, changes={"revoked_at": timezone.now()}, verb="revoked"
    )
