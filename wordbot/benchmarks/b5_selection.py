"""B5: due-card selection for a user with 10,000 cards (SPEC §9), on SQLite and PostgreSQL.

    python -m wordbot.benchmarks.b5_selection [--cards 10000] [--runs 1000]
        [--postgres postgresql://postgres@127.0.0.1:5432/test]

Prints JSON: median and p99 milliseconds of `select_cards_for_session` per backend.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import users
from storage.database import close_database, database, open_database
from storage.migrate import migrate
from storage.models import WordPair
from storage.vocabulary import select_cards_for_session
from wordbot.benchmarks.seed import latency_figures, scratch_postgres_schema

USER = 1
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def seed(cards: int, rng: random.Random) -> None:
    """A realistic mix: a third new, the rest learning/review with due dates around now."""
    users.ensure_learner(USER, USER, NOW)
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


def measure(url: str, cards: int, runs: int, **connect) -> dict:
    open_database(url, **connect)
    try:
        migrate()
        seed(cards, random.Random(5))
        with database.connection_context():
            for _ in range(20):  # warm caches and the prepared plan
                select_cards_for_session(USER, NOW, 5)
            timings = []
            for _ in range(runs):
                began = time.perf_counter()
                chosen = select_cards_for_session(USER, NOW, 5)
                timings.append((time.perf_counter() - began) * 1000)
        assert len(chosen) == 5
        return {
            **latency_figures(timings),
            "runs": runs,
            "cards": cards,
            "target_median_ms": 2.0,
        }
    finally:
        close_database()


def _postgres(url: str, cards: int, runs: int) -> dict:
    with scratch_postgres_schema(url) as options:
        return measure(url, cards, runs, options=options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--postgres", help="PostgreSQL URL (its schema is created and dropped)")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'b5.db'}"
        results["sqlite"] = measure(url, args.cards, args.runs)
    if args.postgres:
        results["postgresql"] = _postgres(args.postgres, args.cards, args.runs)
    json.dump({"benchmark": "B5 due-card selection", **results}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
