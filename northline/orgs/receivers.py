"""Receivers of Django's own signals that lead to a write of orgs (through its services)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models.signals import post_save
from django.dispatch import receiver

from northline.orgs import services


@receiver(post_save, sender=User, dispatch_uid="northline-revoke-tokens-on-new-password")
def revoke_tokens_on_new_password(
    sender: type[User], instance: User, created: bool, **_: object
) -> None:
    """A new password revokes every API token of its user, whichever path set it.

    ``set_password`` keeps the new raw password in ``_password`` until ``save`` has stored it,
    and every path that changes a password goes through it: the password change page, reset by
    e-mail (SetPasswordForm), ``manage.py changepassword``, the admin. Django's own rehash of a
    stored password at sign-in (a stronger hasher) clears ``_password`` before saving, so an
    upgraded hash is not taken for a new password.
    """
    if not created and getattr(instance, "_password", None) is not None:
        services.revoke_tokens_of(instance, reason="password changed")
