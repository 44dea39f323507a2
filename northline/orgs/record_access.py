"""One access helper per resource, declared by the query that loads it (DESIGN §5)."""

from __future__ import annotations

from django.db.models import QuerySet

from northline.orgs.access import Access, get_in_org
from northline.orgs.models import TenantModel


class RecordAccess[M: TenantModel]:
    """The access helper of one kind of record: ``access_expense(access, expense_id, "write")``
    is the expense of the caller's organization with that id, loaded by the declared query
    (``RecordAccess(Expense.objects.select_related("engagement"))``); 404 outside the
    organization, then 403 if the caller's role is short of the action. Not-found messages
    name the model's verbose name."""

    def __init__(self, queryset: QuerySet[M]) -> None:
        self.queryset = queryset

    def __call__(self, access: Access, pk: object, action: str = "read") -> M:
        return get_in_org(access, self.queryset, pk, action)
