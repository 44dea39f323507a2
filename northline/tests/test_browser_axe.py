"""axe-core on every kind of page, at a desktop width and a phone width, on the demo as its
demo user (owner of the lab, admin of the ministry: every form and control is shown). No
violation of impact "serious" or "critical" may appear. One page is reused for all scans to keep
the test's time bounded."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from northline.conftest import sign_in
from northline.delivery.models import Release
from northline.goals.models import KeyResult, Objective
from northline.insights.models import Survey
from northline.lab.models import Engagement
from northline.orgs.demo import DEMO_PASSWORD, DEMO_USERNAME, LAB_SLUG, MINISTRY_SLUG, load_demo
from northline.portfolio.models import Epic
from northline.strategy.models import Theme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [(1440, 900), (390, 844)]
BLOCKING = {"serious", "critical"}


def first_pk(model, slug: str) -> int:
    return model.objects.filter(organization__slug=slug).order_by("pk").first().pk


def page_kinds() -> list[str]:
    ministry, lab = f"/o/{MINISTRY_SLUG}", f"/o/{LAB_SLUG}"
    survey = first_pk(Survey, MINISTRY_SLUG)
    return [
        f"{ministry}/",
        "/me/",
        f"{ministry}/strategy/themes/{first_pk(Theme, MINISTRY_SLUG)}/",
        f"{ministry}/goals/objectives/{first_pk(Objective, MINISTRY_SLUG)}/",
        # The key result's page holds its check-in form.
        f"{ministry}/goals/key-results/{first_pk(KeyResult, MINISTRY_SLUG)}/",
        f"{ministry}/portfolio/epics/{first_pk(Epic, MINISTRY_SLUG)}/",
        f"{ministry}/delivery/releases/{first_pk(Release, MINISTRY_SLUG)}/",
        f"{lab}/lab/engagements/{first_pk(Engagement, LAB_SLUG)}/",
        f"{ministry}/portfolio/epics/new/",
        f"{ministry}/goals/objectives/new/",
        f"{ministry}/portfolio/",
        f"{ministry}/delivery/",
        f"{ministry}/insights/map/",
        f"{ministry}/insights/reports/",
        f"{ministry}/insights/surveys/{survey}/answer/",
        f"{ministry}/insights/surveys/{survey}/",
        f"{ministry}/history/",
        "/inbox/",
    ]


def test_no_page_kind_has_a_serious_or_critical_axe_violation(page, transactional_db):
    load_demo()
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    axe = Axe()
    found = []
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        for url in page_kinds():
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            violations = axe.run(page).response["violations"]
            found += [
                f"{width}px {url}: {violation['id']} ({violation['impact']}) at "
                + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
                for violation in violations
                if violation["impact"] in BLOCKING
            ]
    assert not found, "\n".join(found)
