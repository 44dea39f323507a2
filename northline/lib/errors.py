"""The one domain error type (STYLE §4): a code, a message, and per-field messages.

Services raise it; the API maps it once to ``{"error": {"code", "message", "fields"}}`` and
the web views show ``message`` above the form and ``fields`` next to each field.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refused request. ``status`` is the HTTP status the API answers with."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields: dict[str, str] = fields or {}

    def as_payload(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class NotFound(DomainError):
    """Also what an outsider sees for a record that exists in another organization."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """A rule refused a state change, or the caller's copy is stale. Nothing was changed."""

    status = 409
    code = "conflict"


class StaleVersion(Conflict):
    code = "stale_version"


class Invalid(DomainError):
    """Input that parsed but breaks a rule of the domain; ``fields`` names each offender."""

    status = 422
    code = "invalid"
