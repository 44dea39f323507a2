"""A client generated from the live schema works (issue 12, "Will be checked").

The test does what an integrator does: it fetches /api/v1/openapi.json from a running server,
generates a Python client with openapi-python-client (a maintained generator, not ours), and
runs a journey through the generated functions and models only: goals and a check-in, an epic
with its business case moved across the board (refused, then allowed), and a release decided
with an override. It fails when the generator skips anything, when the server answers a status
the schema does not document, and when a request or an answer does not match its schema.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from northline.delivery.models import Release
from northline.orgs.services import create_token
from northline.portfolio.models import Epic
from northline.testing import Cast

PACKAGE = "northline_client"


class SchemaCheck:
    """An httpx response hook: every request body and every answer of the generated client
    must match the schema it was generated from (the generated models check required keys and
    enumerations, not every type)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        # Literal paths first, so /epics/export.csv is not read as /epics/{epic_id}.
        templates = sorted(document["paths"], key=lambda path: path.count("{"))
        self.routes = [
            (re.compile("^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(path)) + "$"), path)
            for path in templates
        ]

    def operation(self, request: httpx.Request) -> tuple[str, dict[str, Any]]:
        for pattern, path in self.routes:
            if pattern.match(request.url.path):
                method = request.method.lower()
                assert method in self.document["paths"][path], f"{request.method} {path}"
                return path, self.document["paths"][path][method]
        raise AssertionError(f"{request.method} {request.url.path} is not in the schema")

    def check(self, where: str, schema: dict[str, Any], value: Any) -> None:
        # $refs point at #/components/…: give the validator the document's components.
        validator = Draft202012Validator({**schema, "components": self.document["components"]})
        problems = [
            f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in validator.iter_errors(value)
        ]
        assert not problems, f"{where} does not match the schema: " + "; ".join(problems)

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        request = response.request
        path, operation = self.operation(request)
        where = f"{request.method} {path}"
        if request.content:
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            self.check(f"The body of {where}", body, json.loads(request.content))
        documented = operation["responses"].get(str(response.status_code))
        assert documented is not None, (
            f"{where} answered {response.status_code}, which the schema does not document: "
            f"{response.text[:500]}"
        )
        content = documented.get("content", {}).get("application/json")
        if content is not None:
            self.check(
                f"The {response.status_code} answer of {where}", content["schema"], response.json()
            )


def generate(document: dict[str, Any], where: Path) -> None:
    """Run the generator as an integrator would; any warning (an endpoint or a model it had to
    skip) fails the test with the generator's own words."""
    (where / "schema.json").write_text(json.dumps(document))
    # No post-hooks: the generated code is imported, not read, so it needs no formatting.
    (where / "config.yaml").write_text("post_hooks: []\n")
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            "schema.json",
            "--output-path",
            PACKAGE,
            "--meta",
            "none",
            "--config",
            "config.yaml",
            "--fail-on-warning",
        ],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = finished.stdout + finished.stderr
    skipped = re.findall(r"^WARNING parsing .*$", output, flags=re.MULTILINE)
    assert finished.returncode == 0 and "Warning" not in output, (
        "openapi-python-client could not generate the client from /api/v1/openapi.json"
        + (": it skipped\n" + "\n".join(skipped) if skipped else "")
        + "\n\n"
        + output
    )


@pytest.fixture
def generated(_plain_http_live_server, live_server, tmp_path: Path) -> Iterator[ModuleType]:
    """The package generated from the running server's schema, importable as northline_client
    for the length of one test."""
    answer = httpx.get(f"{live_server.url}/api/v1/openapi.json", timeout=30)
    assert answer.status_code == 200
    document = answer.json()
    generate(document, tmp_path)
    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module(PACKAGE)
        package.schema_check = SchemaCheck(document)  # type: ignore[attr-defined]
        yield package
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


class Api:
    """The generated package's operations and models, for one user's token."""

    def __init__(self, package: ModuleType, base_url: str, token: str) -> None:
        self.package = package
        self.models = importlib.import_module(f"{PACKAGE}.models")
        self.client = package.AuthenticatedClient(
            base_url=base_url,
            token=token,
            raise_on_unexpected_status=True,
            timeout=httpx.Timeout(30),
            httpx_args={"event_hooks": {"response": [package.schema_check]}},
        )

    def __getattr__(self, operation: str) -> Any:
        """``api.goals_create_period`` → api/goals/northline_goals_api_create_period.py's
        ``sync_detailed``, bound to this client."""
        tag, name = operation.split("_", 1)
        folder = {"orgs": "organization"}.get(tag, tag)
        module = importlib.import_module(f"{PACKAGE}.api.{folder}.northline_{tag}_api_{name}")

        def call(*args: Any, **kwargs: Any) -> Any:
            return module.sync_detailed(*args, client=self.client, **kwargs)

        return call


def as_user(generated: ModuleType, live_server, user, organization) -> Api:
    _, raw = create_token(user, name="generated client", organization=organization, scope="write")
    return Api(generated, live_server.url, raw)


def test_it_runs_a_journey_through_a_client_generated_from_the_live_schema(
    generated: ModuleType, live_server, cast: Cast
) -> None:
    org = cast.org.slug
    owner = as_user(generated, live_server, cast.owner, cast.org)
    api = as_user(generated, live_server, cast.editor, cast.org)
    m = api.models
    today = dt.date.today()

    # Two teams, made by the owner (teams are an admin's to make).
    digital = owner.orgs_create_team(org, body=m.TeamIn(name="Digital Services"))
    assert digital.status_code == 201
    assert isinstance(digital.parsed, m.TeamOut)
    contact = owner.orgs_create_team(
        org, body=m.TeamIn(name="Contact Centre", kind=m.TeamInKind.OPERATIONS)
    )
    assert contact.status_code == 201

    # Goals: a period, an objective, a key result with its indicator, and a check-in.
    period = api.goals_create_period(
        org,
        body=m.PeriodIn(
            name="This quarter",
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=60),
        ),
    )
    assert period.status_code == 201
    assert isinstance(period.parsed, m.PeriodOut)
    assert period.parsed.name == "This quarter"
    assert period.parsed.version == 1

    objective = api.goals_create_objective(
        org,
        body=m.ObjectiveIn(
            title="Residents apply online",
            period_id=period.parsed.id,
            status=m.ObjectiveInStatus.ACTIVE,
        ),
    )
    assert objective.status_code == 201
    assert isinstance(objective.parsed, m.ObjectiveOut)
    assert objective.parsed.period_id == period.parsed.id
    assert objective.parsed.status == m.ObjectiveOutStatus.ACTIVE

    key_result = api.goals_create_key_result(
        org,
        body=m.KeyResultIn(
            objective_id=objective.parsed.id,
            title="Share of permits applied for online",
            baseline=40,
            target=80,
            unit="%",
        ),
    )
    assert key_result.status_code == 201
    assert isinstance(key_result.parsed, m.KeyResultOut)
    assert (key_result.parsed.baseline, key_result.parsed.target) == (40.0, 80.0)
    assert key_result.parsed.kind == m.KeyResultOutKind.LAGGING

    check_in = api.goals_check_in(
        org,
        key_result.parsed.id,
        body=m.CheckInIn(value=52, confidence=70, note="The new form is live in two districts."),
    )
    assert check_in.status_code == 201
    assert isinstance(check_in.parsed, m.ReadingOut)
    assert check_in.parsed.value == 52.0
    assert check_in.parsed.confidence == 70
    assert check_in.parsed.author == "edith"

    progress = api.goals_key_result_progress(org, key_result.parsed.id)
    assert progress.status_code == 200
    assert isinstance(progress.parsed, m.KeyResultProgressOut)
    assert progress.parsed.current == 52.0
    assert progress.parsed.progress == pytest.approx(0.3)  # (52 − 40) / (80 − 40)
    assert progress.parsed.readings == 1

    # An epic with a business case: what and why, and the key result's indicator as the
    # lagging indicator that shows the outcome.
    created = api.portfolio_create_epic(
        org,
        body=m.EpicIn(
            title="Online permit form",
            what="Residents apply for a parking permit online.",
            why="Residents skip the queue; the contact centre answers fewer calls.",
            team_id=digital.parsed.id,
            key_result_ids=[key_result.parsed.id],
        ),
    )
    assert created.status_code == 201
    assert isinstance(created.parsed, m.EpicOut)
    epic = created.parsed
    assert epic.state == m.EpicOutState.FUNNEL
    assert epic.key_result_ids == [key_result.parsed.id]
    assert epic.lagging_indicator_ids == []

    linked = api.portfolio_link_lagging_indicator(org, epic.id, key_result.parsed.indicator_id)
    assert linked.status_code == 204

    to_do = api.portfolio_move_epic(
        org, epic.id, body=m.MoveIn(state=m.MoveInState.TODO, version=epic.version)
    )
    assert to_do.status_code == 200
    assert isinstance(to_do.parsed, m.EpicOut)
    assert to_do.parsed.state == m.EpicOutState.TODO
    assert to_do.parsed.lagging_indicator_ids == [key_result.parsed.indicator_id]

    # Work cannot start yet: no WSJF inputs and no story. The refusal names both rules in the
    # documented error shape, and the epic stays where it was.
    refused = api.portfolio_move_epic(
        org, epic.id, body=m.MoveIn(state=m.MoveInState.DOING, version=to_do.parsed.version)
    )
    assert refused.status_code == 409
    assert isinstance(refused.parsed, m.ErrorOut)
    assert refused.parsed.error.code == m.ErrorCode.MOVE_REFUSED
    assert sorted(refused.parsed.error.fields.additional_properties) == [
        "has_story",
        "wsjf_inputs",
    ]
    assert Epic.objects.values_list("state", "version").get(pk=epic.id) == (
        "todo",
        to_do.parsed.version,
    )

    detail = api.portfolio_get_epic(org, epic.id)
    assert detail.status_code == 200
    assert isinstance(detail.parsed, m.EpicDetailOut)
    unmet = detail.parsed.next_moves.additional_properties["doing"].additional_properties
    assert sorted(unmet) == ["has_story", "wsjf_inputs"]

    sized = api.portfolio_update_epic(
        org,
        epic.id,
        body=m.EpicPatch(
            version=to_do.parsed.version,
            business_value=m.EpicPatchBusinessValueType0.VALUE_8,
            time_criticality=m.EpicPatchTimeCriticalityType0.VALUE_5,
            risk_reduction=m.EpicPatchRiskReductionType0.VALUE_3,
            job_size=m.EpicPatchJobSizeType0.VALUE_8,
        ),
    )
    assert sized.status_code == 200
    assert isinstance(sized.parsed, m.EpicOut)
    assert sized.parsed.cost_of_delay == 16
    assert sized.parsed.wsjf == 2.0

    story = api.portfolio_create_story(
        org,
        body=m.StoryIn(epic_id=epic.id, title="Permit form, first district", estimate=5),
    )
    assert story.status_code == 201
    assert isinstance(story.parsed, m.StoryOut)

    doing = api.portfolio_move_epic(
        org, epic.id, body=m.MoveIn(state=m.MoveInState.DOING, version=sized.parsed.version)
    )
    assert doing.status_code == 200
    assert isinstance(doing.parsed, m.EpicOut)
    assert doing.parsed.state == m.EpicOutState.DOING

    # A release whose feature changes the contact centre's work: until the contact centre
    # acknowledges, deciding it needs an override reason.
    planned = api.delivery_create_release(
        org,
        body=m.ReleaseIn(name="Permits online", planned_date=today + dt.timedelta(days=45)),
    )
    assert planned.status_code == 201
    assert isinstance(planned.parsed, m.ReleaseOut)
    release = planned.parsed
    assert release.status == m.ReleaseOutStatus.PLANNED

    feature = api.delivery_create_feature(
        org,
        body=m.FeatureIn(
            title="Permit form",
            owner_team_id=digital.parsed.id,
            epic_id=epic.id,
            release_id=release.id,
        ),
    )
    assert feature.status_code == 201
    assert isinstance(feature.parsed, m.FeatureOut)
    impact = api.delivery_create_impact(
        org,
        body=m.ImpactIn(
            feature_id=feature.parsed.id,
            team_id=contact.parsed.id,
            role=m.ImpactInRole.IMPACTEE,
            what_changes="Callers ask about online applications.",
            what_is_needed="A call script for the new form.",
        ),
    )
    assert impact.status_code == 201
    assert isinstance(impact.parsed, m.ImpactOut)
    assert impact.parsed.acknowledged_by is None

    readiness = api.delivery_release_readiness(org, release.id)
    assert readiness.status_code == 200
    assert readiness.parsed.ready is False
    assert [team.name for team in readiness.parsed.waiting] == ["Contact Centre"]

    current = api.delivery_get_release(org, release.id)
    assert current.status_code == 200
    version = current.parsed.version
    not_ready = api.delivery_decide_release(org, release.id, body=m.DecideIn(version=version))
    assert not_ready.status_code == 409
    assert isinstance(not_ready.parsed, m.ErrorOut)
    assert not_ready.parsed.error.code == m.ErrorCode.NOT_READY
    assert not_ready.parsed.error.fields.additional_properties == {
        "override_reason": "Waiting for Contact Centre."
    }
    assert Release.objects.values_list("status", "version").get(pk=release.id) == (
        "planned",
        version,
    )

    reason = "The call script is written; the centre signs off on Monday."
    decided = api.delivery_decide_release(
        org, release.id, body=m.DecideIn(version=version, override_reason=reason)
    )
    assert decided.status_code == 200
    assert isinstance(decided.parsed, m.ReleaseOut)
    assert decided.parsed.status == m.ReleaseOutStatus.DECIDED
    assert decided.parsed.decided_by == "edith"
    assert decided.parsed.override_reason == reason
    assert decided.parsed.version == version + 1

    # The override is in the decision log, made by the editor and linked to the release.
    people = api.orgs_list_people(org, q="Edith")
    assert people.status_code == 200
    [edith] = people.parsed.items
    assert isinstance(edith, m.PersonOut)
    log = api.strategy_list_decisions(
        org, topic=m.NorthlineStrategyApiListDecisionsTopicType0.DELIVERY
    )
    assert log.status_code == 200
    assert isinstance(log.parsed, m.PagedDecisionOut)
    [entry] = log.parsed.items
    assert entry.decision == reason
    assert entry.context == "Still waiting for: Contact Centre."
    assert entry.made_by_person_id == edith.id
    assert [(link.object_type, link.object_id) for link in entry.links] == [
        ("delivery.release", str(release.id))
    ]
