"""Access helper for indicators (STYLE §3)."""

from __future__ import annotations

from northline.measures.models import Indicator
from northline.orgs.record_access import RecordAccess

access_indicator = RecordAccess(Indicator.objects.all())
