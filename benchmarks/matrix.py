"""How fast the dependency matrix page opens at 60 teams × 200 features, and how big it is.

Makes a fresh SQLite data dir, migrates it, and generates one organization with
``northline.delivery.tests.generated.big_matrix``: 60 teams, 200 features over four releases
(5, 30, 60 and 90 days away), six impacts a feature (1,200 impacts: one impactor and five
impactees, a third acknowledged, a quarter of the impactees with a notice). Then it times whole
requests through Django's test client, signed in as a viewer (middleware, session, view,
template) over ``--runs`` rounds and reports the median wall time, the median CPU time of the
process (steadier than wall time on a shared machine), the query count and the response size:

- **the matrix page** as it opens (the first page of features, with the warnings of every team);
- **its last page** (``?page=`` the last);
- **the CSV export** of the whole matrix, for comparison (every cell in one file).

    .venv/bin/python benchmarks/matrix.py [--runs 7] [--teams 60] [--features 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import machine, measure, setup


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--teams", type=int, default=60)
    parser.add_argument("--features", type=int, default=200)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="northline-matrix-") as directory:
        setup(Path(directory))
        from django.test import Client
        from django.urls import reverse

        from northline.delivery import selectors
        from northline.delivery.models import Impact
        from northline.delivery.tests.generated import big_matrix
        from northline.orgs import services as org_services
        from northline.orgs.access import access_organization
        from northline.orgs.models import Role
        from northline.testing import make_user

        owner = make_user("bench")
        org = org_services.create_organization(owner, slug="bench", name="Bench Agency")
        access = access_organization(owner, org.slug)
        big_matrix(access, teams=arguments.teams, features=arguments.features)
        viewer = make_user("viewer")
        org_services.add_member(access, user=viewer, role=Role.VIEWER)
        client = Client(HTTP_HOST="localhost")
        client.force_login(viewer)
        url = reverse("delivery", args=[org.slug])

        def get(address: str) -> Callable[[], Any]:
            def fetch() -> Any:
                response = client.get(address)
                assert response.status_code == 200, (address, response.status_code)
                return response

            return fetch

        # Before the matrix had pages (to compare with a checkout of then): one page.
        page_size = getattr(selectors, "MATRIX_PAGE_SIZE", arguments.features)
        pages = -(-arguments.features // page_size)
        actions: dict[str, Callable[[], Any]] = {
            "open the matrix (first page)": get(url),
        }
        if pages > 1:
            actions[f"its last page (page {pages} of {pages})"] = get(f"{url}?page={pages}")
        actions["export the whole matrix as CSV"] = get(
            f"/api/v1/orgs/{org.slug}/delivery/matrix.csv"
        )
        for action in actions.values():
            action()  # warm templates and the session

        rows: dict[str, list[tuple[float, int, int, float]]] = {label: [] for label in actions}
        for _ in range(arguments.runs):
            for label, action in actions.items():
                cpu = time.process_time()
                elapsed, queries, response = measure(action)
                cpu = time.process_time() - cpu
                rows[label].append((elapsed, queries, len(response.content), cpu))

        print(
            f"{arguments.teams} teams × {arguments.features} features, "
            f"{Impact.objects.count()} impacts; median of {arguments.runs} runs.\n"
        )
        print("| what | time (ms) | CPU (ms) | queries | response |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, measured in rows.items():
            times = [row[0] for row in measured]
            counts = sorted({row[1] for row in measured})
            size = statistics.median(row[2] for row in measured)
            cpu = statistics.median(row[3] for row in measured)
            print(
                f"| {label} | {statistics.median(times) * 1000:.0f} | {cpu * 1000:.0f} | "
                f"{'–'.join(str(q) for q in counts)} | {size / 1024:.0f} KiB |"
            )
        print()
        print(machine())


if __name__ == "__main__":
    main()
