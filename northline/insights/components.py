"""The shapes every part of the alignment index shares (DESIGN §2.8).

A component is a share of items that pass a check. It keeps its items' counts, its one-line
explanation, and the records that lower it, so every page and the API can show the number and
the records behind it. A component without items has no value: "no data", never a made-up
score, and the index is the mean of the components that have one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from northline.orgs.pages import record_url

# The five components, in the order DESIGN §2.8 lists them.
COMPONENTS: list[tuple[str, str]] = [
    ("traceability", "Traceability"),
    ("coverage", "Coverage"),
    ("movement", "Movement"),
    ("governance", "Governance"),
    ("understanding", "Shared understanding"),
]
COMPONENT_KEYS = [key for key, _ in COMPONENTS]
COMPONENT_LABELS = dict(COMPONENTS)


@dataclass(frozen=True)
class Lowering:
    """A record that lowers a component, and why."""

    object_type: str  # "portfolio.epic", "goals.objective", "insights.surveyanswer", …
    object_id: int
    label: str
    reason: str
    # The record's page when it is not the registered page of ``object_type`` (see url_in).
    url: str = ""
    weight: float = 1.0  # how much of the denominator it holds (story points, items)

    def url_in(self, slug: str) -> str:
        """The page that shows the record: ``url`` if set, else the record page registered for
        its type (northline.orgs.pages), else none. Resolved only for the rows a page shows."""
        return self.url or record_url(slug, self.object_type, self.object_id)


@dataclass
class Component:
    """One component's value (0–100, or None for no data) with what lowers it."""

    key: str
    explanation: str
    passed: float = 0.0
    total: float = 0.0
    lowering: list[Lowering] = field(default_factory=list)
    # Optional parts, e.g. governance's four checks or understanding's two shares:
    # name → (passed, total).
    parts: dict[str, tuple[float, float]] = field(default_factory=dict)

    def add_part(self, name: str, passed: float, total: float) -> None:
        """Count one part (governance's checks, coverage's objectives and key results…) into
        the component's own passed and total."""
        self.parts[name] = (passed, total)
        self.passed += passed
        self.total += total

    @property
    def label(self) -> str:
        return COMPONENT_LABELS[self.key]

    @property
    def value(self) -> float | None:
        if self.total <= 0:
            return None
        return round(100.0 * self.passed / self.total, 1)

    @property
    def has_data(self) -> bool:
        return self.total > 0


@dataclass
class AlignmentIndex:
    """The index of an organization or a team: the mean of the components that have data."""

    components: list[Component]
    team_id: int | None = None

    @property
    def value(self) -> float | None:
        values = [c.value for c in self.components if c.value is not None]
        if not values:
            return None
        return round(sum(values) / len(values), 1)

    def component(self, key: str) -> Component:
        return next(c for c in self.components if c.key == key)
