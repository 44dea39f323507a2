"""The default playbook every new organization starts with (DESIGN §2.7), in Northline's own
words: Qualify → Align → Build → Graduate. Editors change it freely afterwards; engagements keep
the checklist they were given.

Items with a ``check_key`` are checked by Northline (see ``northline.lab.engagements.rules``):
``qualified`` and ``product_owner_trained`` gate Align, ``composition_ok`` gates Build, and
``devops_plan`` is where a contracted DevOps specialist's plan is recorded as evidence.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from northline.lab.engagements import services
from northline.lab.models import Phase, PhaseItemKind
from northline.orgs.access import Access

P = PhaseItemKind.PRECONDITION
S = PhaseItemKind.SUCCESS_CRITERION
T = PhaseItemKind.STANDARD
A = PhaseItemKind.ACTIVITY
R = PhaseItemKind.RESOURCE

# (key, name, description, [(kind, text, check_key)])
DEFAULT_PLAYBOOK: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    (
        "qualify",
        "Qualify",
        "Find out whether the partner's challenge suits a residency before anyone commits "
        "people or money to it.",
        [
            (P, "A partner leader has asked the lab for help with a named service.", ""),
            (
                S,
                "Each of the five qualification criteria is judged, with the reasons written down.",
                "",
            ),
            (S, "Both sides agree whether to go on, and say why.", ""),
            (T, "Decisions rest on evidence about the service's users, not on opinion.", ""),
            (A, "Hold an intake conversation with the partner's leadership.", ""),
            (A, "Walk through the service as its users meet it today.", ""),
            (R, "Qualification questions and an intake note template.", ""),
        ],
    ),
    (
        "align",
        "Align",
        "Bring the partner's leaders and the future team to one shared view of the problem and "
        "of how an empowered product team will work on it.",
        [
            (P, "All five qualification criteria are met.", "qualified"),
            (
                P,
                "A product owner is named and has finished the training their role requires.",
                "product_owner_trained",
            ),
            (P, "An executive sponsor has committed to backing the team's way of working.", ""),
            (
                S,
                "The people the product owner will work with most know what to expect of the role.",
                "",
            ),
            (
                S,
                "Frictions in the partner organization are named, each with someone to resolve it.",
                "",
            ),
            (S, "A partnership agreement is initialed by both sides.", ""),
            (T, "Work in short cycles and put real users at the centre.", ""),
            (
                A,
                "Run an alignment session of one or two days "
                "with everyone who will work with the product owner.",
                "",
            ),
            (A, "Agree how the product will be governed while it keeps changing.", ""),
            (R, "Alignment session agenda and facilitation notes.", ""),
            (R, "Courses: agile fundamentals for the team, digital leadership for sponsors.", ""),
        ],
    ),
    (
        "build",
        "Build",
        "The team works in the lab, ships to real users early and often, and grows the skills "
        "to carry on without the lab.",
        [
            (
                P,
                "The team meets the composition rules: employees, "
                "a trained product owner, DevOps, mostly co-located.",
                "composition_ok",
            ),
            (P, "The partnership agreement is executed.", ""),
            (
                P,
                "If the DevOps specialist is contracted, a plan to build "
                "the skill in-house is written down (give it as evidence).",
                "devops_plan",
            ),
            (S, "Real users use the product, and the team learns from what they do.", ""),
            (S, "The team plans, ships and reviews its own work at a steady rhythm.", ""),
            (T, "Code is open by default, tested automatically and deployed by a pipeline.", ""),
            (T, "Security and privacy are considered from the first release, not at the end.", ""),
            (A, "Hold a review with stakeholders at the end of every cycle.", ""),
            (A, "Ask the lab's experts in residence for help where the team is thin.", ""),
            (R, "Shared hosting platform and a starter pipeline.", ""),
        ],
    ),
    (
        "graduate",
        "Graduate",
        "Hand the product and the way of working back to the partner, who keeps improving it "
        "without the lab's daily help.",
        [
            (
                P,
                "The product is live and the team has run "
                "it for at least one full cycle on its own.",
                "",
            ),
            (P, "Funding for the team continues after the residency.", ""),
            (S, "The partner has a home for the team outside the lab.", ""),
            (S, "The partner's leaders can explain how they will keep the product improving.", ""),
            (T, "Decisions about the product stay with the product owner.", ""),
            (A, "Write a journey report with the partner, including what did not work.", ""),
            (A, "Plan the move out of the lab's space with the team.", ""),
            (R, "Journey report outline and a checklist for leaving the lab.", ""),
        ],
    ),
]


@transaction.atomic
def install_playbook(access: Access) -> list[Phase]:
    """Write the default playbook into ``access.organization`` (through the services)."""
    phases = []
    for key, name, description, items in DEFAULT_PLAYBOOK:
        phase = services.create_phase(access, name=name, key=key, description=description)
        positions: dict[str, int] = {}
        for kind, text, check_key in items:
            positions[kind] = positions.get(kind, -1) + 1
            services.create_phase_item(
                access, phase, kind=kind, text=text, check_key=check_key, position=positions[kind]
            )
        phases.append(phase)
    return phases


def install_default_playbook(sender: Any, organization: Any, access: Access, **kwargs: Any) -> None:
    """Receiver of ``organization_created``: a new organization starts with the default playbook."""
    install_playbook(access)
