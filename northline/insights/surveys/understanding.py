"""Shared understanding, the fifth component of the alignment index (DESIGN §2.8).

Each answer to a pulse survey is checked twice:

* **own chain**: the objective it names is in the respondent's team chain, that is one of the
  team's objectives or an ancestor of one of them (``Objective.parent`` upward). With no team,
  any organization-level objective counts. "I don't know" and an objective outside the chain
  do not.
* **echoes the strategy**: its purpose text is close to the strategy's own words. The texts
  are the current mission and each active objective's title and description; each answer's
  best TF-IDF cosine similarity against them (:func:`best_matches`: lowercase words of two
  characters or more without English stop words, weighted by count times smoothed inverse
  document frequency over the strategy texts and the survey's purposes together) must reach
  :data:`ECHO_THRESHOLD`. Plain Python: it gives the scores scikit-learn's
  ``TfidfVectorizer(stop_words="english")`` and ``cosine_similarity`` gave, without loading
  NumPy and SciPy into every process that scores answers.

The component's value is (answers in their own chain + answers that echo the strategy) /
(2 × answers), over the answers of the most recent survey that has answers in scope: for the
organization, the most recent organization-wide survey with answers (or, while there is none,
the most recent team survey with answers, as when one or two teams pilot it); for a team, the
answers whose team it is, from the most recent survey that has such answers. No answers: no
data.

Nothing here names a respondent: a lowering points to the survey's results page, and quotes
an answer (or names its team) only where
:attr:`Survey.shown_from <northline.insights.models.Survey.shown_from>` allows.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Case, When
from django.urls import reverse

from northline.goals.models import Objective, ObjectiveStatus
from northline.insights.components import Component, Lowering
from northline.insights.models import Survey, SurveyAnswer
from northline.orgs.access import Access
from northline.orgs.models import Team
from northline.strategy.selectors import current_identity

KEY = "understanding"
# The best cosine an answer's purpose must reach against the mission or an objective to echo
# the strategy. Chosen on the demo ministry's pulse: purposes that say what the mission or an
# objective says in the respondent's own words score from 0.26 ("Getting mooring permits online
# so fewer people need to call us") to 0.74; vague ones ("I do what my manager asks me to do",
# "Picking up the phone") score 0.00, and one that shares a single word with the strategy among
# many others 0.08. 0.20 keeps the first and turns away the others (test_surveys_demo pins it).
ECHO_THRESHOLD = 0.2
OWN_CHAIN = "own chain"
ECHOES = "echoes the strategy"
CHAIN_RULE = (
    "An answer is in its own chain when it names one of the respondent's team's "
    "objectives or an objective those align to (parent upward); with no team, any "
    "organization-level objective counts."
)
# In words a respondent reads on the results page (the measure: docs/insights/surveys.md).
ECHO_RULE = (
    "A purpose echoes the strategy when it says, in the respondent's own words, much of what "
    "the mission or an active objective says: Northline compares the words they share, giving "
    "more weight to words the strategy rarely uses (common words such as “the” or “work” count "
    f"for little), and counts a purpose that reaches {ECHO_THRESHOLD:.0%} of a perfect match."
)
WORDS_SHOWN = 12


# The strategy's texts and chains ---------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveNode:
    pk: int
    title: str
    description: str
    team_id: int | None
    parent_id: int | None
    status: str


@dataclass
class Strategy:
    """What answers are judged against: the mission and the organization's objectives."""

    mission: str
    objectives: dict[int, ObjectiveNode]

    def texts(self) -> list[str]:
        """The mission, then each active objective's title and description."""
        texts = [self.mission] if self.mission.strip() else []
        texts += [
            f"{node.title}. {node.description}".strip()
            for node in self.objectives.values()
            if node.status == ObjectiveStatus.ACTIVE
        ]
        return texts

    def chain(self, team_id: int | None) -> set[int]:
        """Objective ids in a team's chain: its objectives and their ancestors; with no team,
        the organization-level objectives."""
        if team_id is None:
            return {pk for pk, node in self.objectives.items() if node.team_id is None}
        chain: set[int] = set()
        for node in self.objectives.values():
            if node.team_id != team_id:
                continue
            current: ObjectiveNode | None = node
            while current is not None and current.pk not in chain:
                chain.add(current.pk)
                current = self.objectives.get(current.parent_id) if current.parent_id else None
        return chain


def load_strategy(access: Access) -> Strategy:
    """Two queries: the current identity and the organization's objectives."""
    identity = current_identity(access)
    nodes = {
        row["pk"]: ObjectiveNode(**row)
        for row in Objective.objects.filter(organization=access.organization).values(
            "pk", "title", "description", "team_id", "parent_id", "status"
        )
    }
    return Strategy(mission=identity.mission if identity else "", objectives=nodes)


# Similarity: TF-IDF cosine --------------------------------------------------------------

# Two or more letters, digits or underscores, between word boundaries (Unicode aware).
WORD = re.compile(r"\b\w\w+\b")
# Words too common to say anything: scikit-learn's English list (ENGLISH_STOP_WORDS, 318
# words), which the similarity used while it ran on scikit-learn; kept word for word so the
# scores did not change when it moved to plain Python.
ENGLISH_STOP_WORDS = """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone anything
    anyway anywhere are around as at back be became because become becomes becoming been before
    beforehand behind being below beside besides between beyond bill both bottom but by call can
    cannot cant co con could couldnt cry de describe detail do done down due during each eg
    eight either eleven else elsewhere empty enough etc even ever every everyone everything
    everywhere except few fifteen fifty fill find fire first five for former formerly forty
    found four from front full further get give go had has hasnt have he hence her here
    hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in
    inc indeed interest into is it its itself keep last latter latterly least less ltd made many
    may me meanwhile might mill mine more moreover most mostly move much must my myself name
    namely neither never nevertheless next nine no nobody none noone nor not nothing now nowhere
    of off often on once one only onto or other others otherwise our ours ourselves out over own
    part per perhaps please put rather re same see seem seemed seeming seems serious several she
    should show side since sincere six sixty so some somehow someone something sometime
    sometimes somewhere still such system take ten than that the their them themselves then
    thence there thereafter thereby therefore therein thereupon these they thick thin third this
    those though three through throughout thru thus to together too top toward towards twelve
    twenty two un under until up upon us very via was we well were what whatever when whence
    whenever where whereafter whereas whereby wherein whereupon wherever whether which while
    whither who whoever whole whom whose why will with within without would yet you your yours
    yourself yourselves
"""
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS.split())


def words_of(text: str) -> list[str]:
    """The meaningful words of ``text`` as the similarity sees them, in order: lowercase, two
    characters or more, no stop words."""
    return [word for word in WORD.findall(text.lower()) if word not in STOP_WORDS]


Vector = dict[str, float]


def tf_idf(documents: Sequence[Sequence[str]]) -> list[Vector]:
    """Each document's weights: a word's count in it times its inverse document frequency,
    smoothed as if one more document held every word once: ln((1 + n) / (1 + df)) + 1 for n
    documents, df of which hold the word."""
    df = Counter(word for words in documents for word in set(words))
    n = len(documents)
    idf = {word: math.log((1 + n) / (1 + count)) + 1 for word, count in df.items()}
    return [{word: tf * idf[word] for word, tf in Counter(words).items()} for words in documents]


def length(vector: Vector) -> float:
    return math.sqrt(sum(weight * weight for weight in vector.values()))


def cosine(a: Vector, b: Vector) -> float:
    """a·b / (|a| |b|); 0 when either has no word."""
    norms = length(a) * length(b)
    if not norms:
        return 0.0
    return sum(weight * b.get(word, 0.0) for word, weight in a.items()) / norms


def best_matches(purposes: Sequence[str], strategy_texts: Sequence[str]) -> list[float]:
    """Each purpose's highest TF-IDF cosine against the strategy texts, rounded to 2 places
    (the figure pages show and the threshold is compared with). The weights are computed over
    both sets, so a word's weight reflects how rare it is across this survey and strategy."""
    texts = [text for text in strategy_texts if text.strip()]
    vectors = tf_idf([words_of(text) for text in [*texts, *purposes]])
    targets, answers = vectors[: len(texts)], vectors[len(texts) :]
    return [
        round(max((cosine(answer, target) for target in targets), default=0.0), 2)
        for answer in answers
    ]


@dataclass(frozen=True)
class WordCount:
    word: str
    answers: int  # how many answers use it
    in_strategy: bool  # the mission or an active objective uses it too


def purpose_words(
    purposes: Sequence[str], strategy_texts: Sequence[str], limit: int = WORDS_SHOWN
) -> list[WordCount]:
    """The words most answers use, most first (ties by word), marking the strategy's own."""
    strategy_words = {word for text in strategy_texts for word in words_of(text)}
    counts: Counter[str] = Counter()
    for purpose in purposes:
        counts.update(set(words_of(purpose)))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [WordCount(word, n, word in strategy_words) for word, n in ranked]


# Scoring answers -------------------------------------------------------------------------


@dataclass
class ScoredAnswer:
    """One answer with both checks; ``team_shown`` is False when its team must stay unnamed."""

    answer: SurveyAnswer
    in_chain: bool
    best_match: float
    team_shown: bool

    @property
    def echoes(self) -> bool:
        return self.best_match >= ECHO_THRESHOLD

    @property
    def passed(self) -> int:
        return int(self.in_chain) + int(self.echoes)

    @property
    def team_name(self) -> str | None:
        team = self.answer.team
        return team.name if team is not None and self.team_shown else None

    @property
    def objective_title(self) -> str | None:
        objective = self.answer.objective
        return objective.title if objective is not None else None

    def chain_reason(self) -> str:
        """Why the answer is not in its own chain, in words ("" when it is)."""
        if self.in_chain:
            return ""
        title = self.objective_title
        if title is None:
            return "did not name an objective"
        if self.answer.team_id is None:
            return (
                "named a team's objective but no team of their own (with no team only "
                f"organization-level objectives count): {title}"
            )
        if self.team_name:
            return f"named an objective outside the {self.team_name} team's chain: {title}"
        return f"named an objective outside their own team's chain: {title}"

    def echo_reason(self) -> str:
        if self.echoes:
            return ""
        return (
            "purpose shares few words with the mission and objectives "
            f"(best match {self.best_match:.2f})"
        )


def score(
    answers: Sequence[SurveyAnswer], strategy: Strategy, shown_from: int
) -> list[ScoredAnswer]:
    """Both checks for every answer; no queries (answers come with objective and team). A
    team is named beside an answer only when ``shown_from`` of its people answered."""
    matches = best_matches([answer.purpose for answer in answers], strategy.texts())
    per_team = Counter(answer.team_id for answer in answers)
    chains: dict[int | None, set[int]] = {}
    scored = []
    for answer, match in zip(answers, matches, strict=True):
        if answer.team_id not in chains:
            chains[answer.team_id] = strategy.chain(answer.team_id)
        in_chain = answer.objective_id is not None and answer.objective_id in chains[answer.team_id]
        scored.append(
            ScoredAnswer(
                answer=answer,
                in_chain=in_chain,
                best_match=match,
                team_shown=per_team[answer.team_id] >= shown_from,
            )
        )
    return scored


def results_url(slug: str, survey: Survey) -> str:
    return reverse("insights_survey", args=[slug, survey.pk])


def excerpt(text: str, length: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


def component_of(slug: str, survey: Survey, scored: Sequence[ScoredAnswer]) -> Component:
    """The component over ``scored`` (answers of ``survey``); its lowering lists one entry per
    failed check per answer."""
    count = len(scored)
    in_chain = sum(1 for item in scored if item.in_chain)
    echoes = sum(1 for item in scored if item.echoes)
    url = results_url(slug, survey)
    lowering: list[Lowering] = []
    for item in scored:
        label = f"An answer to “{survey.title}”"
        if count >= survey.shown_from:
            label += f": “{excerpt(item.answer.purpose)}”"
        for reason in (item.chain_reason(), item.echo_reason()):
            if reason:
                lowering.append(
                    Lowering(
                        object_type="insights.surveyanswer",
                        object_id=item.answer.pk,
                        label=label,
                        reason=reason,
                        url=url,
                    )
                )
    component = Component(
        key=KEY,
        explanation=(
            f"{count} answer{'s' if count != 1 else ''} to “{survey.title}”: one point for "
            "naming an objective in the respondent's own team chain, one for a purpose that "
            f"echoes the mission and objectives (similarity ≥ {ECHO_THRESHOLD:.2f})."
        ),
        lowering=lowering,
    )
    component.add_part(OWN_CHAIN, float(in_chain), float(count))
    component.add_part(ECHOES, float(echoes), float(count))
    return component


def no_data() -> Component:
    return Component(
        key=KEY,
        explanation=(
            "No pulse survey answers yet: ask people what their work is for and which "
            "objective it drives."
        ),
    )


def team_id_of(team: Team | int | None) -> int | None:
    return team.pk if isinstance(team, Team) else team


def survey_answers(survey: Survey, team: Team | int | None = None) -> list[SurveyAnswer]:
    answers = SurveyAnswer.objects.filter(survey=survey).select_related("objective", "team")
    team_id = team_id_of(team)
    if team_id is not None:
        answers = answers.filter(team_id=team_id)
    return list(answers.order_by("id"))


def understanding(access: Access, team: Team | int | None = None) -> Component:
    """Shared understanding for the organization, or for one team (the answers whose team it
    is), from the most recent survey that has such answers. Four queries, whatever the number
    of answers: the survey, its answers, the objectives, the identity."""
    scope = SurveyAnswer.objects.filter(organization=access.organization)
    team_id = team_id_of(team)
    if team_id is not None:
        scope = scope.filter(team_id=team_id)
    # For the organization, an organization-wide survey speaks for it before a team's own
    # (a pilot with one or two teams still counts while no organization-wide survey has
    # answers); for a team, the latest survey its people answered, whoever was asked.
    answered = Survey.objects.filter(
        organization=access.organization, pk__in=scope.values("survey_id")
    )
    if team_id is None:
        answered = answered.annotate(
            asks_one_team=Case(When(team__isnull=True, then=0), default=1)
        ).order_by("asks_one_team", "-created_at", "-id")
    else:
        answered = answered.order_by("-created_at", "-id")
    survey = answered.first()
    if survey is None:
        return no_data()
    scored = score(survey_answers(survey, team_id), load_strategy(access), survey.shown_from)
    return component_of(access.organization.slug, survey, scored)


# A survey's results page -----------------------------------------------------------------


@dataclass(frozen=True)
class ShownAnswer:
    """An answer as the results page and the API show it: no respondent, no date, no team
    unless that team gave enough answers."""

    purpose: str
    objective: str | None
    team: str | None
    in_own_chain: bool
    echoes_strategy: bool
    best_match: float
    reasons: list[str]


def shown(item: ScoredAnswer) -> ShownAnswer:
    return ShownAnswer(
        purpose=item.answer.purpose,
        objective=item.objective_title,
        team=item.team_name,
        in_own_chain=item.in_chain,
        echoes_strategy=item.echoes,
        best_match=item.best_match,
        reasons=[reason for reason in (item.chain_reason(), item.echo_reason()) if reason],
    )


@dataclass
class SurveyResults:
    survey: Survey
    scored: list[ScoredAnswer]
    component: Component
    words: list[WordCount] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.scored)

    @property
    def texts_shown(self) -> bool:
        return self.count >= self.survey.shown_from

    @property
    def in_chain(self) -> int:
        return sum(1 for item in self.scored if item.in_chain)

    @property
    def echoes(self) -> int:
        return sum(1 for item in self.scored if item.echoes)

    @property
    def dont_know(self) -> int:
        return sum(1 for item in self.scored if item.answer.objective_id is None)

    @property
    def chain_share(self) -> float | None:
        return round(100.0 * self.in_chain / self.count, 1) if self.count else None

    @property
    def echo_share(self) -> float | None:
        return round(100.0 * self.echoes / self.count, 1) if self.count else None

    def ranked(self) -> list[ScoredAnswer]:
        """Most aligned first: both checks, then one, then none; closer wording first."""
        return sorted(
            self.scored, key=lambda item: (-item.passed, -item.best_match, item.answer.pk)
        )

    def extremes(self) -> tuple[list[ShownAnswer], list[ShownAnswer]]:
        """Up to three most and three least aligned answers, never the same one twice; none
        while the survey has fewer answers than its ``shown_from``."""
        if not self.texts_shown:
            return [], []
        ranked = self.ranked()
        size = min(3, len(ranked) // 2) or 1
        most = ranked[:size]
        least = list(reversed(ranked[size:]))[:size]
        return [shown(item) for item in most], [shown(item) for item in least]

    @property
    def most_aligned(self) -> list[ShownAnswer]:
        return self.extremes()[0]

    @property
    def least_aligned(self) -> list[ShownAnswer]:
        return self.extremes()[1]

    def shown_answers(self) -> list[ShownAnswer]:
        """Every answer, anonymized, in a fixed order that says nothing of who answered when
        (by purpose text); empty while the survey has fewer answers than its ``shown_from``."""
        if not self.texts_shown:
            return []
        ordered = sorted(
            self.scored, key=lambda item: (item.answer.purpose.lower(), item.answer.pk)
        )
        return [shown(item) for item in ordered]

    @property
    def lowering(self) -> list[Lowering]:
        return self.component.lowering

    @property
    def lowering_rows(self) -> list[tuple[str, str | None]]:
        """Each failed check as (reason, a short quote of the answer, or None while the
        survey has fewer answers than its ``shown_from``), for the results page."""
        rows = []
        for item in self.scored:
            quote = excerpt(item.answer.purpose) if self.texts_shown else None
            for reason in (item.chain_reason(), item.echo_reason()):
                if reason:
                    rows.append((reason, quote))
        return rows

    @property
    def outside_chain(self) -> list[str]:
        """Why each answer that named an objective outside its own chain does not count."""
        return [
            item.chain_reason()
            for item in self.scored
            if item.answer.objective_id is not None and not item.in_chain
        ]


def survey_results(access: Access, survey: Survey) -> SurveyResults:
    """A survey's results, over all its answers. Three queries: answers, objectives, identity."""
    strategy = load_strategy(access)
    scored = score(survey_answers(survey), strategy, survey.shown_from)
    results = SurveyResults(
        survey=survey,
        scored=scored,
        component=component_of(access.organization.slug, survey, scored),
    )
    if results.texts_shown:
        results.words = purpose_words([item.answer.purpose for item in scored], strategy.texts())
    return results
