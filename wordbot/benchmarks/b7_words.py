"""B7: /words paging and search for a user with 10,000 pairs (SPEC §13, next to B5), on SQLite
and PostgreSQL.

    python -m wordbot.benchmarks.b7_words [--pairs 10000] [--runs 1000]
        [--postgres postgresql://postgres@127.0.0.1:5432/test]

Prints JSON per backend: median and p99 milliseconds of `words_page` for a random page of the
whole list ("page") and for a random page of a search of either side ("search").
The target is a page query's median ≤ 5 ms on SQLite.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from storage import users
from storage.database import close_database, database, open_database
from storage.migrate import migrate
from storage.vocabulary import upsert_pairs
from storage.words import words_page
from wordbot.benchmarks.seed import latency_figures, scratch_postgres_schema
from wordbot.domain.pairs import PairInput

USER = 1
OTHER_USERS = (2, 3, 4)  # neighbours with pairs of their own, so the index has to pick
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TARGET_PAGE_MEDIAN_MS = 5.0
_LETTERS = "abcdefghijklmnopqrstuvwxyzéèàñöüç"
_SEARCHES = ("ca", "ÉR", "ou", "ñ", "lar", "tion", "e a")


def _word(rng: random.Random) -> str:
    words = [
        "".join(rng.choice(_LETTERS) for _ in range(rng.randint(3, 10)))
        for _ in range(rng.choice((1, 1, 1, 2)))
    ]
    text = " ".join(words)
    return text.capitalize() if rng.random() < 0.2 else text


def seed(pairs: int, rng: random.Random) -> None:
    for user_id in (USER, *OTHER_USERS):
        users.ensure_learner(user_id, user_id, NOW)
        count = pairs if user_id == USER else pairs // 2
        chosen: dict[str, str] = {}
        while len(chosen) < count:
            chosen[_word(rng)] = _word(rng)
        upsert_pairs(user_id, [PairInput(a, b) for a, b in chosen.items()], NOW, rng)


def _timed(runs: int, query_for, rng: random.Random) -> dict:
    timings = []
    for _ in range(runs):
        query = query_for(rng)
        page = rng.randrange(0, 1000)
        began = time.perf_counter()
        words_page(USER, query, page)
        timings.append((time.perf_counter() - began) * 1000)
    return latency_figures(timings)


def measure(url: str, pairs: int, runs: int, **connect) -> dict:
    open_database(url, **connect)
    try:
        migrate()
        rng = random.Random(7)
        seed(pairs, rng)
        with database.connection_context():
            for _ in range(20):  # warm caches
                words_page(USER, None, 0)
                words_page(USER, "ca", 0)
            page = _timed(runs, lambda _: None, rng)
            search = _timed(runs, lambda r: r.choice(_SEARCHES), rng)
            matches = {query: words_page(USER, query, 0).total for query in _SEARCHES}
        return {
            "page": page,
            "search": search,
            "search_matches": matches,
            "pairs": pairs,
            "runs": runs,
            "target_page_median_ms": TARGET_PAGE_MEDIAN_MS,
        }
    finally:
        close_database()


def _postgres(url: str, pairs: int, runs: int) -> dict:
    with scratch_postgres_schema(url) as options:
        return measure(url, pairs, runs, options=options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--postgres", help="PostgreSQL URL (its schema is created and dropped)")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'b7.db'}"
        results["sqlite"] = measure(url, args.pairs, args.runs)
    results["sqlite"]["met"] = results["sqlite"]["page"]["median_ms"] <= TARGET_PAGE_MEDIAN_MS
    if args.postgres:
        results["postgresql"] = _postgres(args.postgres, args.pairs, args.runs)
    json.dump({"benchmark": "B7 /words paging and search", **results}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
