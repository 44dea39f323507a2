"""The one domain error type (STYLE §4): a code, a message, and per-field messages.

Services raise it; the API maps it once to ``{"error": {"code", "message", "fields"}}`` and
the web views show ``message`` above the form and ``fields`` next to each field. Every code a
client can see is a member of :class:`ErrorCode`, which the API's schema description and
docs/api.md list; an error raised with any other code fails at once (and so in the tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum


class ErrorCode(StrEnum):
    """Every error code the API answers with; the docstring of each member is its meaning."""

    # Generic codes, one per kind of answer.
    MALFORMED = "malformed"
    NOT_AUTHENTICATED = "not_authenticated"
    FORBIDDEN = "forbidden"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_SCOPE = "token_scope"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    STALE_VERSION = "stale_version"
    GONE = "link_gone"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    URI_TOO_LONG = "uri_too_long"
    INVALID = "invalid"
    THROTTLED = "throttled"
    SERVER_ERROR = "server_error"
    SECOND_FACTOR_REQUIRED = "second_factor_required"
    # Rules that refused a change (409), by section.
    LAST_OWNER = "last_owner"
    ALREADY_MEMBER = "already_member"
    ALREADY_ON_TEAM = "already_on_team"
    ALREADY_REVOKED = "already_revoked"
    IN_USE = "in_use"
    PERIOD_NOT_EMPTY = "period_not_empty"
    OBJECTIVE_HAS_CHILDREN = "objective_has_children"
    OBJECTIVE_CLOSED = "objective_closed"
    MOVE_REFUSED = "move_refused"
    STALE_POSITION = "stale_position"
    EPIC_NOT_IN_FUNNEL = "epic_not_in_funnel"
    RECOMMENDATION_CLOSED = "recommendation_closed"
    NOT_READY = "not_ready"
    NOT_IMPACTEE = "not_impactee"
    IMPACT_EXISTS = "impact_exists"
    RELEASE_NOT_PLANNED = "release_not_planned"
    RELEASE_NOT_DECIDED = "release_not_decided"
    RELEASE_CLOSED = "release_closed"
    GATE_CLOSED = "gate_closed"
    NO_NEXT_PHASE = "no_next_phase"
    PHASE_IN_USE = "phase_in_use"
    AUTOMATIC_ITEM = "automatic_item"
    ALREADY_WAIVED = "already_waived"
    ENGAGEMENT_CLOSED = "engagement_closed"
    IMPORT_NOT_APPLICABLE = "import_not_applicable"
    NOT_IN_RESIDENCE = "not_in_residence"
    COURSE_IN_USE = "course_in_use"
    ALREADY_EXPERT = "already_expert"
    REQUEST_MOVE_REFUSED = "request_move_refused"
    AGREEMENT_NOT_DRAFT = "agreement_not_draft"
    AGREEMENT_NOT_OPEN = "agreement_not_open"
    AGREEMENT_NOT_DELETABLE = "agreement_not_deletable"
    AGREEMENT_TERMINATED = "agreement_terminated"
    ALREADY_SIGNATORY = "already_signatory"
    SIGNATORY_INITIALED = "signatory_initialed"
    SECTION_INITIALED = "section_initialed"
    SECTION_NEEDS_NO_INITIALS = "section_needs_no_initials"
    ALREADY_INITIALED = "already_initialed"
    INITIAL_TAMPERED = "initial_tampered"
    SURVEY_CLOSED = "survey_closed"
    SURVEY_HAS_ANSWERS = "survey_has_answers"
    CLOSING_DAY_PASSED = "closing_day_passed"
    ALREADY_ANSWERED = "already_answered"
    ALREADY_OPEN = "already_open"
    ALREADY_CLOSED = "already_closed"
    LINK_USED = "link_used"


# What each code means, for the schema description and docs/api.md (a test keeps both whole).
MEANINGS: dict[ErrorCode, tuple[int, str]] = {
    ErrorCode.MALFORMED: (400, "the body is not valid JSON"),
    ErrorCode.NOT_AUTHENTICATED: (401, "no valid token or session"),
    ErrorCode.FORBIDDEN: (403, "your role does not allow this, or the CSRF check failed"),
    ErrorCode.TOKEN_EXPIRED: (401, "the API token expired or was revoked; make a new one"),
    ErrorCode.TOKEN_SCOPE: (403, "the API token's scope does not allow this; see the message"),
    ErrorCode.NOT_FOUND: (404, "no such record or route here (or no such organization for you)"),
    ErrorCode.METHOD_NOT_ALLOWED: (405, "the route exists but not with this method (see Allow)"),
    ErrorCode.CONFLICT: (409, "a rule refused the change; nothing was changed"),
    ErrorCode.STALE_VERSION: (409, "the record changed since the version you sent"),
    ErrorCode.GONE: (410, "a survey link that was revoked, expired or used"),
    ErrorCode.PAYLOAD_TOO_LARGE: (413, "the body is larger than the server accepts"),
    ErrorCode.URI_TOO_LONG: (414, "the address (path and query) is too long"),
    ErrorCode.INVALID: (422, "a field or parameter is not valid; `fields` names each one"),
    ErrorCode.THROTTLED: (429, "too many requests; retry after the Retry-After header"),
    ErrorCode.SERVER_ERROR: (500, "a fault of ours; the message carries a request id"),
    ErrorCode.SECOND_FACTOR_REQUIRED: (
        403,
        "the organization requires two-factor sign-in, which this session or account lacks",
    ),
    ErrorCode.LAST_OWNER: (409, "an organization must keep at least one owner"),
    ErrorCode.ALREADY_MEMBER: (409, "the user is already a member"),
    ErrorCode.ALREADY_ON_TEAM: (409, "the person is already on the team"),
    ErrorCode.ALREADY_REVOKED: (409, "the token or link was already revoked"),
    ErrorCode.IN_USE: (409, "other records still refer to this one; they are named"),
    ErrorCode.PERIOD_NOT_EMPTY: (409, "the period still has objectives"),
    ErrorCode.OBJECTIVE_HAS_CHILDREN: (409, "the objective still has child objectives"),
    ErrorCode.OBJECTIVE_CLOSED: (409, "the objective is closed"),
    ErrorCode.MOVE_REFUSED: (409, "the epic cannot enter that column; `fields` names each rule"),
    ErrorCode.STALE_POSITION: (409, "the card next to which you placed it has moved"),
    ErrorCode.EPIC_NOT_IN_FUNNEL: (409, "only an epic in the funnel can be deleted"),
    ErrorCode.RECOMMENDATION_CLOSED: (409, "the recommendation was already answered"),
    ErrorCode.NOT_READY: (409, "impactees have not acknowledged; decide with an override"),
    ErrorCode.NOT_IMPACTEE: (409, "only an impactee team acknowledges"),
    ErrorCode.IMPACT_EXISTS: (409, "the team already has an impact on this feature"),
    ErrorCode.RELEASE_NOT_PLANNED: (409, "the release is no longer planned"),
    ErrorCode.RELEASE_NOT_DECIDED: (409, "the release must be decided first"),
    ErrorCode.RELEASE_CLOSED: (409, "the release was released or cancelled"),
    ErrorCode.GATE_CLOSED: (409, "a phase's pre-conditions are unmet; `fields` names each"),
    ErrorCode.NO_NEXT_PHASE: (409, "the engagement is in the playbook's last phase"),
    ErrorCode.PHASE_IN_USE: (409, "engagements are in this phase"),
    ErrorCode.AUTOMATIC_ITEM: (409, "this checklist item is judged by Northline itself"),
    ErrorCode.ALREADY_WAIVED: (409, "the checklist item is already waived"),
    ErrorCode.ENGAGEMENT_CLOSED: (409, "the engagement graduated or pivoted away"),
    ErrorCode.IMPORT_NOT_APPLICABLE: (409, "only a preview whose file is kept can be applied"),
    ErrorCode.NOT_IN_RESIDENCE: (409, "the engagement is not in residence"),
    ErrorCode.COURSE_IN_USE: (409, "training records or requirements use the course"),
    ErrorCode.ALREADY_EXPERT: (409, "the person is already an expert in residence"),
    ErrorCode.REQUEST_MOVE_REFUSED: (409, "the expert request cannot go to that state"),
    ErrorCode.AGREEMENT_NOT_DRAFT: (409, "only a draft agreement can be changed this way"),
    ErrorCode.AGREEMENT_NOT_OPEN: (409, "the agreement is not open for initials"),
    ErrorCode.AGREEMENT_NOT_DELETABLE: (409, "an agreement with initials cannot be deleted"),
    ErrorCode.AGREEMENT_TERMINATED: (409, "the agreement was terminated"),
    ErrorCode.ALREADY_SIGNATORY: (409, "the person already signs this agreement"),
    ErrorCode.SIGNATORY_INITIALED: (409, "the signatory has initialed; they stay"),
    ErrorCode.SECTION_INITIALED: (409, "the section has initials; they stay"),
    ErrorCode.SECTION_NEEDS_NO_INITIALS: (409, "the section does not take initials"),
    ErrorCode.ALREADY_INITIALED: (409, "the cell already holds a valid initial"),
    ErrorCode.INITIAL_TAMPERED: (409, "a stored initial fails its seal"),
    ErrorCode.SURVEY_CLOSED: (409, "the survey is closed"),
    ErrorCode.SURVEY_HAS_ANSWERS: (409, "a survey with answers cannot be deleted"),
    ErrorCode.CLOSING_DAY_PASSED: (409, "the survey's closing day has passed"),
    ErrorCode.ALREADY_ANSWERED: (409, "you have answered this survey"),
    ErrorCode.ALREADY_OPEN: (409, "the survey is already open"),
    ErrorCode.ALREADY_CLOSED: (409, "the survey is already closed"),
    ErrorCode.LINK_USED: (409, "the record is still linked"),
}


class DomainError(Exception):
    """A refused request. ``status`` is the HTTP status the API answers with."""

    status = 400
    code: str = ErrorCode.MALFORMED

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
            # Only registered codes reach a client: a typo fails here, not in someone's script.
            self.code = ErrorCode(code)
        self.fields: dict[str, str] = fields or {}

    def as_payload(self) -> dict[str, object]:
        return {"error": {"code": str(self.code), "message": self.message, "fields": self.fields}}


class NotAuthenticated(DomainError):
    status = 401
    code = ErrorCode.NOT_AUTHENTICATED


class NotFound(DomainError):
    """Also what an outsider sees for a record that exists in another organization."""

    status = 404
    code = ErrorCode.NOT_FOUND


class Forbidden(DomainError):
    status = 403
    code = ErrorCode.FORBIDDEN


class SecondFactorRequired(Forbidden):
    """The organization requires a second factor that the caller has not shown (pages send the
    caller to set one up; the API answers 403 with this code)."""

    code = ErrorCode.SECOND_FACTOR_REQUIRED


class Conflict(DomainError):
    """A rule refused a state change, or the caller's copy is stale. Nothing was changed."""

    status = 409
    code = ErrorCode.CONFLICT


class StaleVersion(Conflict):
    code = ErrorCode.STALE_VERSION


class Invalid(DomainError):
    """Input that parsed but breaks a rule of the domain; ``fields`` names each offender."""

    status = 422
    code = ErrorCode.INVALID


@contextmanager
def naming(field: str) -> Iterator[None]:
    """Name ``field`` in a NotFound raised inside: a body's reference to a record that is not
    in the organization is that field's fault, and the client should be told which."""
    try:
        yield
    except NotFound as missing:
        missing.fields = missing.fields or {field: missing.message}
        raise
