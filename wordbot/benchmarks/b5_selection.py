"""B5: due-card selection for a user with 10,000 cards (SPEC §9), on SQLite and PostgreSQL.

    python -m wordbot.benchmarks.b5_selection [--cards 10000] [--runs 1000]
        [--postgres postgresql://postgres@127.0.0.1:5432/test]

Prints JSON: median and p99 milliseconds of `select_cards_for_session` per backend, for two
learners with the same 10,000 cards: one on SM-2 (no daily limit of new cards) and one on FSRS
(SPEC §12), whose selection also counts today's new cards in a year of review log (`--reviews`
rows) to hold the daily new-card limit.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import users
from storage.database import close_database, database, open_database
from storage.migrate import migrate
from storage.models import ReviewLog, User, WordPair
from storage.vocabulary import NewCardLimit, select_cards_for_session
from wordbot.benchmarks.seed import latency_figures, scratch_postgres_schema

USER = 1
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
NEW_LIMIT = NewCardLimit(per_day=20, day_start=NOW.replace(hour=0))


def seed(cards: int, rng: random.Random, scheduler: str = "sm2", reviews: int = 0) -> None:
    """A realistic mix: a third new, the rest learning/review with due dates around now; for an
    FSRS learner also `reviews` review_log rows spread over the last year."""
    users.ensure_learner(USER, USER, NOW)
    User.update(scheduler=scheduler).where(User.id == USER).execute()
    rows = []
    for n in range(cards):
        state = rng.choice(("new", "learning", "review", "review"))
        due = None if state == "new" else NOW + timedelta(hours=rng.uniform(-24 * 30, 24 * 30))
        rows.append(
            {
                "user": USER,
                "word1": f"word{n}",
                "word2": f"slovo{n}",
                "word1_key": f"word{n}",
                "word2_key": f"slovo{n}",
                "state": state,
                "due_at": due,
                "new_rank": rng.randrange(2**31 - 1),
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
    with database.atomic():
        for start in range(0, len(rows), 500):
            WordPair.insert_many(rows[start : start + 500]).execute()
        if reviews:
            _seed_review_log(cards, reviews, rng)


def _seed_review_log(cards: int, reviews: int, rng: random.Random) -> None:
    pair_ids = [pair_id for (pair_id,) in WordPair.select(WordPair.id).tuples()]
    rows = [
        {
            "user": USER,
            "pair": rng.choice(pair_ids),
            "rating": rng.choice((1, 3, 3, 3, 4)),
            "reviewed_at": NOW - timedelta(minutes=rng.uniform(0, 365 * 24 * 60)),
            "state_before": rng.choice(("new", "review", "review", "review", "learning")),
            "elapsed_days": 1.0,
            "scheduled_days": 1.0,
            "scheduler": "fsrs",
        }
        for _ in range(reviews)
    ]
    for start in range(0, len(rows), 500):
        ReviewLog.insert_many(rows[start : start + 500]).execute()


def measure(url: str, cards: int, runs: int, scheduler: str = "sm2", reviews: int = 0, **connect):
    """SM-2 selects with no daily limit of new cards; FSRS holds NEW_LIMIT (SPEC §12)."""
    new_limit = NEW_LIMIT if scheduler == "fsrs" else None
    open_database(url, **connect)
    try:
        migrate()
        seed(cards, random.Random(5), scheduler, reviews)
        with database.connection_context():
            for _ in range(20):  # warm caches and the prepared plan
                select_cards_for_session(USER, NOW, 5, new_limit)
            timings = []
            for _ in range(runs):
                began = time.perf_counter()
                chosen = select_cards_for_session(USER, NOW, 5, new_limit)
                timings.append((time.perf_counter() - began) * 1000)
        assert len(chosen) == 5
        return {
            **latency_figures(timings),
            "runs": runs,
            "cards": cards,
            "review_log_rows": reviews,
            "target_median_ms": 2.0,
        }
    finally:
        close_database()


def both_learners(url_of, cards: int, runs: int, reviews: int) -> dict:
    """The SM-2 and the FSRS learner, each on a fresh database from `url_of()`."""
    with url_of() as (url, connect):
        sm2 = measure(url, cards, runs, **connect)
    with url_of() as (url, connect):
        fsrs = measure(url, cards, runs, "fsrs", reviews, **connect)
    return {"sm2": sm2, "fsrs": fsrs}


@contextmanager
def _sqlite_url():
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'b5.db'}", {}


def _postgres_url(url: str):
    @contextmanager
    def scratch():
        with scratch_postgres_schema(url) as options:
            yield url, {"options": options}

    return scratch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--reviews", type=int, default=28_000, help="the FSRS learner's log")
    parser.add_argument("--postgres", help="PostgreSQL URL (its schema is created and dropped)")
    args = parser.parse_args(argv)
    results = {"sqlite": both_learners(_sqlite_url, args.cards, args.runs, args.reviews)}
    if args.postgres:
        scratch = _postgres_url(args.postgres)
        results["postgresql"] = both_learners(scratch, args.cards, args.runs, args.reviews)
    json.dump({"benchmark": "B5 due-card selection", **results}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
