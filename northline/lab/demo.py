"""The lab's demo: engagements and their gates first, then agreements, sessions, budget,
experts and reports built on them."""

from northline.lab.agreements.demo import create_agreements
from northline.lab.budget.demo import create_budgets
from northline.lab.engagements.demo import STEPS as ENGAGEMENT_STEPS
from northline.lab.experts.demo import create_experts
from northline.lab.sessions.demo import create_sessions
from northline.orgs.demo import Step

STEPS: list[tuple[str, Step]] = [
    *ENGAGEMENT_STEPS,
    ("lab: agreements and initials", create_agreements),
    ("lab: alignment sessions", create_sessions),
    ("lab: budgets and expenses", create_budgets),
    ("lab: experts in residence", create_experts),
]
