"""Form parts every lab subdomain shares: the date widget, the people of an organization, a
version-only button.
"""

from __future__ import annotations

from typing import Any

from northline.orgs.access import Access
from northline.orgs.forms import VersionedForm
from northline.orgs.models import Person


def people_of(access: Access) -> Any:
    return Person.objects.filter(organization=access.organization).order_by("name", "id")


class VersionOnlyForm(VersionedForm):
    """A button that changes state (advance a gate, circulate, terminate, a request's move)."""
