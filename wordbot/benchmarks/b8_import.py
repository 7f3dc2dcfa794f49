"""B8: how long a 20,000-row import holds SQLite's writer (SPEC §7.6: about 100 ms at most).

    python -m wordbot.benchmarks.b8_import [--pairs 20000] [--runs 5] [--neighbours 2]

Drives the import's real path without Telegram: the snapshot cache's facts, `pairs_to_write`,
the unit of work's staging (a chunk per transaction), `decide_import`, the unit of work's one
transaction (the staged rows applied by one statement, the outbox row), then the discard of
the staging rows. Side by side, in the same run, the same import written the old way: the
pairs carried by `UpsertPairs` and written inside the unit of work's transaction.

Every time the process's SQLite writer lock is taken and given back is timed (the lock is
held from BEGIN IMMEDIATE to COMMIT, and around an autocommit write), so "longest hold" is the
longest any other user's write could have had to wait behind the import. Two imports per run:
20,000 new pairs into an empty vocabulary, then the same 20,000 with every translation
changed. `neighbours` other users hold 20,000 pairs each, so the indexes are not toy-sized.
Prints JSON: per scenario and way, the median over runs of the longest hold, the final
apply's hold, the median staging chunk's hold, the number of write transactions and the
import's wall time; and the maximum over runs of the longest hold and of the final apply.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from actors.messages import SessionKey
from actors.snapshot_cache import SnapshotCache
from actors.unit_of_work import UnitOfWork
from storage import users
from storage.database import close_database, database, open_database
from storage.migrate import migrate
from storage.models import WordPair
from wordbot.decide import vocabulary as vocabulary_rules
from wordbot.decide.transition import Rules, UpsertPairs
from wordbot.domain.pairs import PairInput, ParsedPairs

USER = 1
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
TARGET_MS = 100.0


class WriterHolds:
    """Times every hold of OneWriterSqliteDatabase's writer lock in this (single) thread."""

    def __init__(self, real) -> None:
        self.holds_ms: list[float] = []
        self._real = real
        self._take, self._give = real._take_writer, real._give_writer
        self._since = 0.0
        real._take_writer, real._give_writer = self._timed_take, self._timed_give

    def _held(self) -> bool:
        return getattr(self._real._holds_writer, "held", False)

    def _timed_take(self) -> None:
        was_held = self._held()
        self._take()
        if not was_held:
            self._since = time.perf_counter()

    def _timed_give(self) -> None:
        was_held = self._held()
        self._give()
        if was_held:
            self.holds_ms.append((time.perf_counter() - self._since) * 1000)

    def take(self) -> list[float]:
        holds, self.holds_ms = self.holds_ms, []
        return holds


def _parsed(count: int, suffix: str) -> ParsedPairs:
    return ParsedPairs(
        tuple(PairInput(f"word number {n}", f"slovo {n}{suffix}") for n in range(count)), 0
    )


def _import(parsed: ParsedPairs, chunked: bool, rng: random.Random, holds: WriterHolds) -> dict:
    """One import the way the actor does it; returns its writer holds."""
    key = SessionKey(USER, USER)
    cache = SnapshotCache(key)
    work = UnitOfWork(key, Rules(), cache)
    began = time.perf_counter()
    snapshot = cache.snapshot(NOW)
    stored = cache.stored_word2([pair.word1 for pair in parsed.pairs])
    pair_count = cache.pair_count()
    holds.take()
    staged = None
    if chunked:
        to_write = vocabulary_rules.pairs_to_write(parsed, stored, pair_count)
        staged = work.stage_import(to_write, NOW, rng)
    staging = holds.take()
    transition = vocabulary_rules.decide_import(snapshot, parsed, stored, pair_count, staged)
    if not chunked:
        assert isinstance(transition.writes[0], UpsertPairs)
    work.apply(transition, None, NOW, rng)
    (final,) = holds.take()
    if staged is not None:
        work.discard_staged(staged)
    discard = holds.take()
    wall = (time.perf_counter() - began) * 1000
    every = staging + [final] + discard
    return {
        "longest_hold_ms": max(every),
        "final_apply_ms": final,
        "staging_chunk_median_ms": statistics.median(staging) if staging else None,
        "discard_chunk_median_ms": statistics.median(discard) if discard else None,
        "write_transactions": len(every),
        "wall_ms": wall,
    }


def _seed_neighbours(count: int, pairs: int, rng: random.Random) -> None:
    for user_id in range(2, 2 + count):
        users.ensure_learner(user_id, user_id, NOW)
        rows = [
            {
                "user": user_id,
                "word1": f"neighbour word {n}",
                "word2": f"x {n}",
                "word1_key": f"neighbour word {n}",
                "word2_key": f"x {n}",
                "new_rank": rng.randrange(2**31 - 1),
                "created_at": NOW,
                "updated_at": NOW,
            }
            for n in range(pairs)
        ]
        with database.atomic():
            for start in range(0, len(rows), 500):
                WordPair.insert_many(rows[start : start + 500]).execute()


def _clear_user() -> None:
    with database.atomic():
        WordPair.delete().where(WordPair.user == USER).execute()


def _summary(runs: list[dict]) -> dict:
    figures = {}
    for name in runs[0]:
        values = [run[name] for run in runs if run[name] is not None]
        figures[name] = round(statistics.median(values), 1) if values else None
    figures["longest_hold_max_ms"] = round(max(run["longest_hold_ms"] for run in runs), 1)
    figures["final_apply_max_ms"] = round(max(run["final_apply_ms"] for run in runs), 1)
    return figures


def measure(url: str, pairs: int, runs: int, neighbours: int) -> dict:
    real = open_database(url)
    try:
        migrate()
        rng = random.Random(8)
        _seed_neighbours(neighbours, pairs, rng)
        users.ensure_learner(USER, USER, NOW)
        holds = WriterHolds(real)
        results: dict[str, dict[str, list[dict]]] = {}
        for _ in range(runs):
            for way, chunked in (("chunked", True), ("one_transaction", False)):
                _clear_user()
                new = _import(_parsed(pairs, ""), chunked, rng, holds)
                changed = _import(_parsed(pairs, "!"), chunked, rng, holds)
                assert WordPair.select().where(WordPair.user == USER).count() == pairs
                results.setdefault("new_pairs", {}).setdefault(way, []).append(new)
                results.setdefault("all_updated", {}).setdefault(way, []).append(changed)
        figures = {
            scenario: {way: _summary(measured) for way, measured in ways.items()}
            for scenario, ways in results.items()
        }
        longest = max(ways["chunked"]["longest_hold_max_ms"] for ways in figures.values())
        return {
            **figures,
            "pairs": pairs,
            "runs": runs,
            "neighbours": neighbours,
            "target_ms": TARGET_MS,
            "chunked_longest_hold_max_ms": longest,
        }
    finally:
        close_database()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--neighbours", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'b8.db'}"
        sqlite = measure(url, args.pairs, args.runs, args.neighbours)
    json.dump({"benchmark": "B8 import writer holds", "sqlite": sqlite}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
