"""What scoring a pulse survey costs a fresh server process: memory and the first score's time.

Makes a fresh SQLite data dir, migrates it and builds one organization like the demo ministry:
its mission, the demo's seven objectives (titles and descriptions) over four teams, and one
survey with ``--answers`` answers (default 300: the demo's own purposes, then varied sentences
drawn from the strategy's words, everyday words and stop words, in mixed case and punctuation).

Then, ``--runs`` times, a new Python process sets Django up as a server process does (settings,
apps, the URLconf), notes its peak RSS, and calls ``understanding.survey_results`` (what the
survey's results page and the API draw) twice: the first call includes importing whatever the
similarity needs, the second is warm. It reports its peak RSS after scoring
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``). Prints a Markdown table (median over runs).

    .venv/bin/python benchmarks/understanding_memory.py [--answers 300] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, machine, setup

# Everyday words and stop words the generated answers mix with the strategy's own.
OFF_TOPIC = (
    "lunch meetings spreadsheets emails printer coffee rota holidays laptop inbox filing "
    "training colleagues manager phone queue morning paperwork reports budget invoices"
)
STOP = "the and of to we our I my a in on for with so that is it do what"
MARKS = ["", ".", "!", "?", "…", ",", " -", ";"]


def purposes(count: int, seed: int = 13) -> list[str]:
    """``count`` answers: the demo's purposes first, then sentences of 1 to 18 words drawn
    from the strategy's words, everyday words and stop words, in varied case and punctuation
    (some only stop words, some empty)."""
    from northline.goals.demo import OBJECTIVES
    from northline.insights.surveys.demo import LINK_ANSWERS, SIGNED_IN_ANSWERS, TEAM_ANSWERS

    texts = [purpose for _, _, purpose, _ in LINK_ANSWERS]
    texts += [purpose for _, _, _, purpose, _ in SIGNED_IN_ANSWERS]
    texts += [purpose for _, purpose, _ in TEAM_ANSWERS]
    strategy_words = " ".join(
        [MISSION, *(f"{title} {description}" for title, *_, description in OBJECTIVES.values())]
    ).split()
    randomly = random.Random(seed)
    while len(texts) < count:
        size = randomly.randint(0, 18)
        pools = [strategy_words, OFF_TOPIC.split(), STOP.split()]
        weights = randomly.choice([(6, 1, 3), (1, 6, 3), (3, 3, 3), (0, 0, 1), (1, 0, 0)])
        words = []
        for _ in range(size):
            word = randomly.choice(randomly.choices(pools, weights=weights)[0])
            word = randomly.choice([word, word.lower(), word.upper(), word.title()])
            words.append(word + randomly.choice(MARKS))
        texts.append(" ".join(words))
    return texts[:count]


MISSION = (
    "We protect the coast and the people who depend on it by deciding permit applications "
    "quickly, fairly and in the open."
)


def make(data_dir: Path, answers: int) -> tuple[str, int]:
    """The organization and its survey (slug, survey id), through the services; the answers
    in one bulk insert (each answer's own path is not what is measured)."""
    setup(data_dir)
    from django.utils import timezone

    from northline.goals import services as goals
    from northline.goals.demo import OBJECTIVES
    from northline.insights.models import SurveyAnswer
    from northline.insights.surveys import services as surveys
    from northline.orgs import services as orgs
    from northline.orgs.access import access_organization
    from northline.strategy import services as strategy
    from northline.testing import make_user

    owner = make_user("bench")
    organization = orgs.create_organization(owner, slug="ministry", name="Coastal Ministry")
    access = access_organization(owner, organization.slug)
    strategy.revise_identity(access, mission=MISSION, based_on=0)
    today = timezone.localdate()
    period = goals.create_period(
        access,
        name="This quarter",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=60),
    )
    teams = {}
    objectives = {}
    for key, (title, team, parent, _, _, description) in OBJECTIVES.items():
        if team is not None and team not in teams:
            teams[team] = orgs.create_team(access, name=team.title(), kind="product")
        objectives[key] = goals.create_objective(
            access,
            title=title,
            description=description,
            period=period,
            team=teams.get(team) if team else None,
            parent=objectives.get(parent) if parent else None,
            status="active",
        )
    survey = surveys.create_survey(access, title="What is our work for?")
    team_list = [None, *teams.values()]
    objective_list = [None, *objectives.values()]
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            organization=organization,
            survey=survey,
            team=team_list[index % len(team_list)],
            objective=objective_list[index % len(objective_list)],
            purpose=purpose,
            answered_on=today,
        )
        for index, purpose in enumerate(purposes(answers))
    )
    return organization.slug, survey.pk


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def score(data_dir: Path, slug: str, survey_id: int) -> dict[str, float]:
    """In this (fresh) process: Django as a server process has it, then two scorings."""
    os.environ["NORTHLINE_DATA_DIR"] = str(data_dir)
    os.environ["NORTHLINE_HTTPS"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "northline.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - every view module imported, as a server has them

    from northline.insights.models import Survey
    from northline.insights.surveys import understanding
    from northline.orgs.access import access_organization

    access = access_organization(get_user_model().objects.get(username="bench"), slug)
    survey = Survey.objects.get(pk=survey_id)
    before = peak_mib()
    started = time.perf_counter()
    results = understanding.survey_results(access, survey)
    first = time.perf_counter() - started
    started = time.perf_counter()
    understanding.survey_results(access, survey)
    warm = time.perf_counter() - started
    return {
        "before": before,
        "after": peak_mib(),
        "first": first,
        "warm": warm,
        "answers": results.count,
        "echoes": results.echoes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--score", nargs=3, metavar=("DATA_DIR", "SLUG", "SURVEY"), help=argparse.SUPPRESS
    )
    arguments = parser.parse_args()
    if arguments.score:
        data_dir, slug, survey = arguments.score
        print(json.dumps(score(Path(data_dir), slug, int(survey))))
        return 0

    with tempfile.TemporaryDirectory(prefix="northline-understanding-") as directory:
        data_dir = Path(directory)
        slug, survey_id = make(data_dir, arguments.answers)
        runs = []
        for _ in range(arguments.runs):
            command = [sys.executable, __file__, "--score", str(data_dir), slug, str(survey_id)]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(output.strip().splitlines()[-1]))

    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    print(
        f"Scoring a survey of {int(median('answers'))} answers ({int(median('echoes'))} echo "
        f"the strategy) in a fresh process, {arguments.runs} runs, median:\n"
    )
    print("| what | value |")
    print("| --- | ---: |")
    print(f"| peak RSS before scoring (Django, URLconf) | {median('before'):.0f} MiB |")
    print(f"| peak RSS after scoring | {median('after'):.0f} MiB |")
    print(f"| first score (imports included) | {median('first') * 1000:.0f} ms |")
    print(f"| second score (warm) | {median('warm') * 1000:.0f} ms |")
    print()
    print(machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
