"""The lab's demo: engagements and their gates first, then agreements, sessions, budget,
experts and reports built on them."""

from northline.lab.demo_engagements import STEPS as ENGAGEMENT_STEPS
from northline.lab.demo_governance import STEPS as GOVERNANCE_STEPS

STEPS = [*ENGAGEMENT_STEPS, *GOVERNANCE_STEPS]
