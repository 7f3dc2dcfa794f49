"""B6: /stats for a learner with 10,000 cards and a year of review log (SPEC §14).

    python -m wordbot.benchmarks.b6_stats [--cards 10000] [--days 365] [--runs 50]
    python -m wordbot.benchmarks.b6_stats --example docs/stats-example.png

Each run seeds another learner (in memory: the storage reads are B5's business), then times
the numbers (`compute_stats`), the picture (`render_stats_png`) and the caption together.
Prints JSON: median and p99 of that time in milliseconds (wall clock, and the thread's CPU
time, which a shared machine disturbs less; `numbers_ms` is the part spent in
`compute_stats`) and of the PNG's size in bytes, with the targets (300 ms, 200 KB). `--example PATH` writes the picture of one fixed seeded
learner instead (the one in the README).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from wordbot.domain.srs import CardState
from wordbot.domain.stats import CardStat, GameResult, LearnerStats, ReviewEvent, compute_stats
from wordbot.rendering.stats import stats_caption
from wordbot.rendering.stats_chart import render_stats_png

NOW = datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Berlin")
TARGET_MS = 300.0
TARGET_BYTES = 200 * 1024
EXAMPLE_SEED = 14


def seeded_learner(
    rng: random.Random, cards: int, days: int
) -> tuple[list[CardStat], list[ReviewEvent], list[GameResult]]:
    """A diligent learner: most cards in review, due over the next weeks with a backlog,
    reviews on most days of the last `days` (a few days off), a game every few days."""
    card_stats = []
    for _ in range(cards):
        state = rng.choices((CardState.NEW, CardState.LEARNING, CardState.REVIEW), (2, 1, 7))[0]
        due = None
        if state is not CardState.NEW:
            due = NOW + timedelta(hours=rng.triangular(-24 * 4, 24 * 120, 24 * 5))
        card_stats.append(CardStat(state, due, suspended=rng.random() < 0.01))
    reviews = []
    for day in range(days):
        if rng.random() < 0.12:
            continue  # a day off
        start = NOW - timedelta(days=day, hours=rng.uniform(0, 6))
        for _ in range(rng.randint(20, 160)):
            reviewed_at = start - timedelta(minutes=rng.uniform(0, 90))
            state_before = rng.choices(("review", "learning", "new"), (6, 2, 1))[0]
            rating = rng.choices((1, 2, 3, 4), (1, 1, 6, 1))[0]
            reviews.append(ReviewEvent(reviewed_at, rating, state_before))
    games = [
        GameResult(NOW - timedelta(days=day, hours=2), rng.randint(5, 10), 10)
        for day in range(0, 30, 3)
    ]
    return card_stats, reviews, games


def learner_stats(seed: int, cards: int, days: int) -> LearnerStats:
    card_stats, reviews, games = seeded_learner(random.Random(seed), cards, days)
    return compute_stats(
        card_stats, reviews, games, NOW, ZONE, scheduler="fsrs", personal_parameters=True
    )


def measure(cards: int, days: int, runs: int) -> dict:
    render_stats_png(*_series(learner_stats(0, 100, 30)))  # fonts and caches, once a process
    timings, cpu, numbers, sizes = [], [], [], []
    for seed in range(1, runs + 1):
        inputs = seeded_learner(random.Random(seed), cards, days)
        gc.collect()  # the seeding's garbage is not the render's cost
        began, began_cpu = time.perf_counter(), time.thread_time()
        stats = compute_stats(*inputs, NOW, ZONE, scheduler="fsrs", personal_parameters=True)
        computed = time.perf_counter()
        png = render_stats_png(*_series(stats))
        stats_caption(stats)
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.thread_time() - began_cpu) * 1000)
        numbers.append((computed - began) * 1000)
        sizes.append(len(png))
    return {
        "time_ms": _figures(timings, 1),
        "cpu_ms": _figures(cpu, 1),
        "numbers_ms": _figures(numbers, 1),
        "png_bytes": _figures(sizes, 0),
        "runs": runs,
        "cards": cards,
        "review_log_days": days,
        "reviews_per_learner": len(inputs[1]),
        "target_ms": TARGET_MS,
        "target_bytes": TARGET_BYTES,
    }


def write_example(path: Path) -> None:
    """The README's picture: one fixed seeded learner, so it only changes with the drawing."""
    png = render_stats_png(*_series(learner_stats(EXAMPLE_SEED, 6_000, 365)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)


def _series(stats: LearnerStats):
    return stats.reviews_per_day, stats.due_per_day


def _figures(values: list[float], digits: int) -> dict:
    ordered = sorted(values)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    return {
        "median": round(statistics.median(ordered), digits),
        "p99": round(p99, digits),
        "max": round(ordered[-1], digits),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--example", type=Path, help="write the example picture here and stop")
    args = parser.parse_args(argv)
    if args.example is not None:
        write_example(args.example)
        print(json.dumps({"example": str(args.example)}))
        return 0
    report = measure(args.cards, args.days, args.runs)
    report["met"] = {
        "time_median": report["time_ms"]["median"] <= TARGET_MS,
        "time_p99": report["time_ms"]["p99"] <= TARGET_MS,
        "png_p99": report["png_bytes"]["p99"] <= TARGET_BYTES,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
