"""Fixtures of the insights tests: the organization each area's tests read."""

from __future__ import annotations

import pytest

from northline.insights.surveys import services
from northline.insights.tests.index_org import Org, build
from northline.insights.tests.test_map import MapOrg, make_map_org
from northline.insights.tests.test_surveys import Pulse, make_pulse
from northline.testing import Cast


@pytest.fixture
def org(cast: Cast) -> Org:
    """The index's organization (index_org.build)."""
    return build(cast)


@pytest.fixture
def map_org(cast: Cast) -> MapOrg:
    return make_map_org(cast)


@pytest.fixture
def pulse(cast: Cast) -> Pulse:
    return make_pulse(cast)


@pytest.fixture
def link_id(pulse: Pulse) -> int:
    """Ann's link to the pulse survey."""
    link, _ = services.create_link(pulse.editor, pulse.survey, label="Ann")
    return link.pk
