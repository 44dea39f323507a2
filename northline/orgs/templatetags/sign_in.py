"""``{% sign_in_options as options %}``: the ways of signing in the sign-in page offers."""

from typing import Any

from django import template

from northline.orgs import sso

register = template.Library()


@register.simple_tag
def sign_in_options() -> dict[str, Any]:
    return sso.login_context()
