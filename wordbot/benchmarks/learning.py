"""Learner simulation (SPEC §12): how much each scheduler costs in reviews and keeps in memory.

`python -m wordbot.benchmarks.learning` (or `wordbot simulate`). Seeded synthetic learners,
each with their own true memory from one of two ground-truth models
(`wordbot.benchmarks.memory_models`: FSRS-like with the learner's own weights, and exponential
forgetting with per-word difficulty and a spacing effect), learn `--new-per-day` new words a day
with one review session a day. Every grade goes through the bot's own pure decision
(`wordbot.domain.fsrs_schedule.decide_grade`) and personal parameters through the bot's own
fitting (`wordbot.learning.fitting.fit_parameters`) on the run's own review log.

Session rules: the session starts at 18:00 UTC and takes every card due before the learner's
day ends (6 hours later; suspended cards never), oldest due first, then the day's new words;
a card whose next step falls within the hour (learning steps) comes back in the same session;
each answer takes 10 seconds. No daily review cap. Personal parameters are fitted after the
session of day 60 and every 30 days after; until then the defaults.

Reported at each checkpoint (means over learners): total reviews, reviews per day (total ÷
days), expected words recalled (the sum of every introduced word's true recall at the end of
the day), words known (true recall ≥ 0.9), knowledge per review (expected ÷ total reviews) and
true retention at review time (the share of review-state grades where the learner truly
recalled).
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta

from wordbot.benchmarks.memory_models import (
    ExponentialMemory,
    FsrsLikeMemory,
    WordMemory,
    draw_learner_parameters,
    first_rating,
    rating_after_recall,
)
from wordbot.domain.fsrs_schedule import SchedulerConfig, SchedulerKind, decide_grade
from wordbot.domain.review_log import ReviewLogEntry, grade_of_rating
from wordbot.domain.srs import CardSchedule, CardState
from wordbot.learning.fitting import fit_parameters

__all__ = ["SCHEDULERS", "Size", "main", "run", "simulate_learner"]

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
SESSION_HOUR = 18
DAY_END_AFTER = timedelta(hours=6)
SAME_SESSION = timedelta(hours=1)
ANSWER_TIME = timedelta(seconds=10)
FIRST_FIT_DAY = 60
REFIT_EVERY_DAYS = 30
MODELS = ("fsrs-like", "exponential")
_DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class SchedulerSpec:
    name: str
    config: SchedulerConfig
    personal: bool


SCHEDULERS = (
    SchedulerSpec("sm2", SchedulerConfig(kind=SchedulerKind.SM2), False),
    SchedulerSpec("fsrs-default-0.90", SchedulerConfig(desired_retention=0.90), False),
    SchedulerSpec("fsrs-personal-0.80", SchedulerConfig(desired_retention=0.80), True),
    SchedulerSpec("fsrs-personal-0.85", SchedulerConfig(desired_retention=0.85), True),
    SchedulerSpec("fsrs-personal-0.90", SchedulerConfig(desired_retention=0.90), True),
    SchedulerSpec("fsrs-personal-0.95", SchedulerConfig(desired_retention=0.95), True),
)


@dataclass(frozen=True, slots=True)
class Size:
    learners: int = 3
    days: int = 365
    new_per_day: int = 20
    checkpoints: tuple[int, ...] = (30, 90, 365)


QUICK = Size(learners=1, days=30, new_per_day=5, checkpoints=(10, 30))


@dataclass(frozen=True, slots=True)
class Checkpoint:
    day: int
    total_reviews: int
    reviews_per_day: float
    expected_recalled: float
    words_known: int
    knowledge_per_review: float
    true_retention: float


def simulate_learner(model: str, learner: int, spec: SchedulerSpec, size: Size) -> list[Checkpoint]:
    """One learner's year under one scheduler; the learner (their memory and their answers'
    random draws) is the same whichever scheduler runs."""
    truth = _memory_model(model, random.Random(f"{model}:{learner}"))
    rng = random.Random(f"answers:{model}:{learner}")
    config = spec.config
    cards: list[CardSchedule] = []
    memories: list[WordMemory | None] = []
    log: list[ReviewLogEntry] = []
    total = review_grades = review_recalls = 0
    results = []
    for day in range(size.days):
        start = EPOCH + timedelta(days=day, hours=SESSION_HOUR)
        day_end = start + DAY_END_AFTER
        due = sorted(
            (card.due_at, index)
            for index, card in enumerate(cards)
            if not card.suspended and card.due_at is not None and card.due_at <= day_end
        )
        queue = [index for _, index in due]
        for _ in range(size.new_per_day):
            cards.append(CardSchedule())
            memories.append(None)
            queue.append(len(cards) - 1)
        queue.reverse()
        again: list[tuple[datetime, int]] = []
        now = start
        while queue or again:
            if again and (again[0][0] <= now or not queue):
                due_at, index = heapq.heappop(again)
                now = max(now, due_at)
            else:
                index = queue.pop()
            card, memory = cards[index], memories[index]
            moment = (now - EPOCH).total_seconds() / _DAY
            if memory is None:
                rating = first_rating(rng)
                memories[index] = truth.new_word(rating, moment, rng)
            else:
                recall = truth.recall(memory, moment)
                recalled = rng.random() < recall
                rating = rating_after_recall(recalled, recall, rng)
                if card.state == CardState.REVIEW:
                    review_grades += 1
                    review_recalls += recalled
                truth.review(memory, rating, moment)
            decision = decide_grade(
                card,
                grade_of_rating(rating),
                now,
                config,
                user_id=learner,
                pair_id=index,
                fuzz=rng.random(),
            )
            cards[index] = decision.schedule
            total += 1
            if spec.personal:
                log.append(decision.review)
            if not decision.schedule.suspended and decision.schedule.due_at <= now + SAME_SESSION:
                heapq.heappush(again, (decision.schedule.due_at, index))
            now += ANSWER_TIME
        finished = day + 1
        if spec.personal and _fitting_day(finished):
            fitted = fit_parameters(log)
            if fitted is not None:
                config = replace(config, parameters=fitted)
        if finished in size.checkpoints:
            moment = (day_end - EPOCH).total_seconds() / _DAY
            recalls = [truth.recall(memory, moment) for memory in memories if memory is not None]
            expected = sum(recalls)
            results.append(
                Checkpoint(
                    day=finished,
                    total_reviews=total,
                    reviews_per_day=total / finished,
                    expected_recalled=expected,
                    words_known=sum(recall >= 0.9 for recall in recalls),
                    knowledge_per_review=expected / total if total else 0.0,
                    true_retention=review_recalls / review_grades if review_grades else 0.0,
                )
            )
    return results


def _fitting_day(day: int) -> bool:
    return day >= FIRST_FIT_DAY and (day - FIRST_FIT_DAY) % REFIT_EVERY_DAYS == 0


def _memory_model(model: str, rng: random.Random):
    if model == "fsrs-like":
        return FsrsLikeMemory(draw_learner_parameters(rng))
    return ExponentialMemory.draw(rng)


def _task(arguments: tuple[str, int, int, Size]) -> tuple[str, int, str, list[dict]]:
    model, learner, spec_index, size = arguments
    spec = SCHEDULERS[spec_index]
    return (
        model,
        learner,
        spec.name,
        [asdict(c) for c in simulate_learner(model, learner, spec, size)],
    )


def run(size: Size, seed: int = 1, workers: int = 1) -> dict:
    """Every (model, learner, scheduler), averaged over learners; with the headline."""
    tasks = [
        (model, seed * 1000 + learner, spec_index, size)
        for model in MODELS
        for learner in range(size.learners)
        for spec_index in range(len(SCHEDULERS))
    ]
    started = time.monotonic()
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(_task, tasks))
    else:
        outcomes = [_task(task) for task in tasks]
    results: dict = {model: {spec.name: {} for spec in SCHEDULERS} for model in MODELS}
    for model, _, name, checkpoints in outcomes:
        for checkpoint in checkpoints:
            per_day = results[model][name].setdefault(str(checkpoint["day"]), [])
            per_day.append(checkpoint)
    for model in MODELS:
        for name in results[model]:
            for day, samples in results[model][name].items():
                results[model][name][day] = {
                    key: sum(sample[key] for sample in samples) / len(samples)
                    for key in samples[0]
                    if key != "day"
                }
    return {
        "size": asdict(size),
        "seed": seed,
        "seconds": round(time.monotonic() - started, 1),
        "results": results,
        "headline": {model: _headline(results[model], size.days) for model in MODELS},
    }


def _headline(results: dict, last_day: int) -> dict:
    """The knowledge–workload frontier against SM-2 at the last day."""
    day = str(last_day)
    sm2 = results["sm2"][day]
    personal = sorted(
        (
            (values[day]["expected_recalled"], values[day]["total_reviews"], name)
            for name, values in results.items()
            if name.startswith("fsrs-personal")
        ),
    )
    meets = [
        name
        for recalled, reviews, name in personal
        if recalled >= 0.97 * sm2["expected_recalled"] and reviews <= 0.85 * sm2["total_reviews"]
    ]
    matched = None
    for (low_recall, low_reviews, _), (high_recall, high_reviews, _) in zip(
        personal, personal[1:], strict=False
    ):
        if low_recall <= sm2["expected_recalled"] <= high_recall and high_recall > low_recall:
            share = (sm2["expected_recalled"] - low_recall) / (high_recall - low_recall)
            matched = low_reviews + share * (high_reviews - low_reviews)
    return {
        "sm2_expected_recalled": sm2["expected_recalled"],
        "sm2_total_reviews": sm2["total_reviews"],
        "personal_meeting_97pct_recall_with_15pct_fewer_reviews": meets,
        "personal_reviews_at_sm2_recall": matched,
        "personal_reviews_at_sm2_recall_vs_sm2": (
            None if matched is None else matched / sm2["total_reviews"]
        ),
    }


def table(report: dict) -> str:
    """The results as a Markdown table."""
    lines = [
        "| memory model | scheduler | day | reviews/day | total reviews | expected recalled "
        "| words known | knowledge/review | true retention |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for model, schedulers in report["results"].items():
        for name, days in schedulers.items():
            for day, values in days.items():
                lines.append(
                    f"| {model} | {name} | {day} | {values['reviews_per_day']:.1f} "
                    f"| {values['total_reviews']:.0f} | {values['expected_recalled']:.0f} "
                    f"| {values['words_known']:.0f} | {values['knowledge_per_review']:.3f} "
                    f"| {values['true_retention']:.3f} |"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="wordbot simulate", description="Learner simulation: SM-2 against FSRS-6"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--learners", type=int, help="learners per memory model (default 3)")
    parser.add_argument("--days", type=int, help="days to simulate (default 365)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--json", help="write the JSON report to this file (default: stdout)")
    args = parser.parse_args(argv)
    size = QUICK if args.quick else Size()
    if args.learners:
        size = replace(size, learners=args.learners)
    if args.days:
        checkpoints = tuple(day for day in size.checkpoints if day < args.days) + (args.days,)
        size = replace(size, days=args.days, checkpoints=checkpoints)
    report = run(size, seed=args.seed, workers=args.workers)
    text = json.dumps(report, indent=2)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    else:
        print(text)
    print(table(report), file=sys.stderr)
    print(json.dumps(report["headline"], indent=2), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
