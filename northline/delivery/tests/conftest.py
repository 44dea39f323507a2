"""Records the delivery tests share: two impactee teams with lead times, one member of each
with a login (and one without), and a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from northline.delivery import services, webhooks
from northline.delivery.models import Feature, Release
from northline.delivery.selectors import Matrix
from northline.orgs import services as org_services
from northline.orgs.access import Access
from northline.orgs.models import Person, Team
from northline.testing import Cast


@dataclass
class Plan:
    access: Access
    contact: Team  # lead time 10; Edith (editor, with a login) and Owen (no login)
    training: Team  # lead time 21; Victor (viewer, with a login)
    builders: Team

    def release(self, days: int, name: str = "Spring update") -> Release:
        return services.create_release(
            self.access, name=name, planned_date=timezone.localdate() + dt.timedelta(days=days)
        )

    def feature(
        self, release: Release | None, title: str = "Plain status page", **extra: Any
    ) -> Feature:
        return services.create_feature(
            self.access, title=title, release=release, owner_team=self.builders, **extra
        )


def person_of(access: Access, user: Any) -> Person:
    return Person.objects.get(organization=access.organization, user=user)


def cell_states(matrix: Matrix) -> dict[tuple[str, str], tuple[str, bool, str]]:
    """Each cell of the dependency matrix by (feature, team): its role, acknowledged, risk."""
    return {
        (cell.impact.feature.title, cell.impact.team.name): (
            cell.role,
            cell.acknowledged,
            cell.risk,
        )
        for cell in matrix.cells.values()
    }


@pytest.fixture
def plan(cast: Cast) -> Plan:
    access = cast.owner_access
    contact = org_services.create_team(access, name="Contact Centre", kind="support")
    training = org_services.create_team(access, name="Training", kind="support")
    builders = org_services.create_team(access, name="Permits Online", kind="product")
    owen = org_services.create_person(access, name="Owen Price", email="owen@example.org")
    for team, person in [
        (contact, person_of(access, cast.editor)),
        (contact, owen),
        (training, person_of(access, cast.viewer)),
    ]:
        org_services.add_team_member(access, team, person=person, roles=["member"])
    services.set_lead_time(access, contact, days=10)
    services.set_lead_time(access, training, days=21)
    return Plan(access=access, contact=contact, training=training, builders=builders)


@dataclass
class Received:
    path: str
    headers: Any
    body: bytes


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1; ``answers`` maps a path to (status, extra headers)."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    answers: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            state.requests.append(Received(self.path, self.headers, self.rfile.read(length)))
            status, headers = state.answers.get(self.path, (200, {}))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def allow_private(settings) -> None:
    settings.NORTHLINE_WEBHOOKS_ALLOW_PRIVATE = True


class Resolver:
    """``socket.getaddrinfo`` answering from a table: name → addresses (v4 and v6 mixed)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []
        self.real = socket.getaddrinfo
        monkeypatch.setattr(webhooks.socket, "getaddrinfo", self)

    def __call__(self, host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in self.table:
            return self.real(host, port, *args, **kwargs)
        self.asked.append(host)
        answers = []
        for address in self.table[host]:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            where = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
            answers.append((family, socket.SOCK_STREAM, 6, "", where))
        return answers
