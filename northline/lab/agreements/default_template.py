"""The default partnership agreement's text, installed in every new organization by
``agreements.services.install_default_template``.
"""

from __future__ import annotations

DEFAULT_TEMPLATE_NAME = "Residency agreement"
DEFAULT_TEMPLATE_DESCRIPTION = (
    "What the lab and a partner team promise each other for a residency. Each signatory "
    "initials every section once all parties are comfortable with it."
)

# (title, Markdown body, needs initials)
DEFAULT_SECTIONS: list[tuple[str, str, bool]] = [
    (
        "Purpose of this agreement",
        "This agreement sets out how the partner's team and the lab will work together while "
        "the team is in residence. It is a shared commitment, not a contract for services: "
        "both sides expect to learn as they go and to revisit it together when something no "
        "longer fits.\n\nRead every section, raise anything you disagree with, and initial a "
        "section only once you are content with its wording.",
        False,
    ),
    (
        "Why this product qualifies",
        "The partner confirms that the product behind this residency:\n\n"
        "- matters to the ministry's leadership and has funding and a deadline that reflect it;\n"
        "- is hard enough that a dedicated team is needed to understand the problem;\n"
        "- is digital at heart and will be built in short, user-tested increments;\n"
        "- provides at least one capability other programme areas can reuse;\n"
        "- will keep being improved by a standing team after the residency ends.",
        True,
    ),
    (
        "What the lab provides",
        "For the length of the residency the lab hosts the team at its own cost: a shared "
        "workspace, the hosting and delivery platform, coaching, training seats, and access to "
        "the lab's experts in residence (service design, privacy and security, behavioural "
        "insights, data, DevOps and agile coaching, among others). The lab records its monthly "
        "hosting cost against the engagement so both sides see what the residency is worth.",
        True,
    ),
    (
        "Leadership commitments",
        "The partner's executives sponsor the team in the open and take the short leadership "
        "training the lab offers. They give the product owner real authority over priorities "
        "and spending within the agreed budget, so that the team is not kept waiting for "
        "approvals between sprints.",
        True,
    ),
    (
        "Team composition",
        "The team includes at least two employees from the partner's business area, a product "
        "owner who has completed agile product training, and a DevOps specialist. A contracted "
        "specialist is acceptable at first if there is a written plan to bring the skill in-house. "
        "Most of the team works side by side in the lab, and members are released from their "
        "usual duties while they are in residence.",
        True,
    ),
    (
        "Budget and costs",
        "The partner funds the team itself, whatever form that takes (salaries, contracts, "
        "training), within the planned range recorded for the engagement. The partner also pays "
        "for anything specific to its product, such as special equipment, software licences or "
        "courses the lab does not run. Spending is recorded against the engagement as it "
        "happens.",
        True,
    ),
    (
        "Working in the open",
        "The team works in the open: code and tools are open source unless there is a reason "
        "not to, and progress is visible to the lab's community. Products with heavy privacy or "
        "security constraints are discussed before the residency starts, and a written plan "
        "records any exception agreed.",
        True,
    ),
    (
        "Reporting on the journey",
        "The team takes part in light, regular reporting on its progress and outcomes. The lab "
        "shares what it learns across engagements, including what went badly, so that later "
        "teams benefit; leaders on both sides accept that setbacks are reported as plainly as "
        "successes.",
        True,
    ),
    (
        "Graduation",
        "When the product is live and the team can carry on without the lab, the team "
        "graduates and returns to its home organization as a standing product team. The "
        "expected graduation window is recorded on the engagement and reviewed at each phase "
        "gate.",
        True,
    ),
    (
        "Changing these terms",
        "If any party struggles to meet these expectations, the sponsors, the product owner and "
        "the lab's leadership meet promptly to agree a way forward. Changes to a section are made "
        "in Northline; an edited section has to be initialed again by everyone.",
        True,
    ),
    (
        "Pivoting away from the lab",
        "If the conditions for success cannot be met, the lab's leadership may decide that the "
        "team leaves the residency early. The reason is recorded, the people involved are "
        "supported through the change, and the outcome is reported like any other.",
        True,
    ),
]
