"""Signals other apps listen to; orgs imports none of them (DESIGN §5 layering)."""

from django.dispatch import Signal

# Sent inside create_organization's transaction with ``organization`` and ``access`` (the
# owner's); apps use it to give a new organization its defaults (the lab's playbook).
organization_created = Signal()
