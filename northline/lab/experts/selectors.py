"""Reads of experts in residence (with how many requests each holds) and requests for them."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from northline.lab.models import Engagement, Expert, ExpertRequest, RequestStatus
from northline.orgs.access import Access
from northline.orgs.record_access import RecordAccess

access_expert = RecordAccess(Expert.objects.select_related("person"))
access_request = RecordAccess(ExpertRequest.objects.select_related("engagement", "expert__person"))


def experts(access: Access) -> QuerySet[Expert]:
    return (
        Expert.objects.filter(organization=access.organization)
        .select_related("person")
        .annotate(
            active_requests=Count(
                "requests", filter=Q(requests__status=RequestStatus.ASSIGNED), distinct=True
            )
        )
        .order_by("person__name", "id")
    )


def requests(
    access: Access, *, engagement: Engagement | int | None = None, status: str | None = None
) -> QuerySet[ExpertRequest]:
    queryset = ExpertRequest.objects.filter(organization=access.organization).select_related(
        "engagement", "expert__person"
    )
    if engagement is not None:
        queryset = queryset.filter(
            engagement_id=engagement.pk if isinstance(engagement, Engagement) else engagement
        )
    if status:
        queryset = queryset.filter(status=status)
    return queryset
