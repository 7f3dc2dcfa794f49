"""B2 at a tiny size: simulated users grade against the real bot and the baseline; figures agree."""

from __future__ import annotations

import json

import pytest

from tests.support.databases import POSTGRES_SKIP_REASON, POSTGRES_URL
from tests.support.e2e_databases import e2e_database
from wordbot.benchmarks import b2_throughput

pytestmark = pytest.mark.e2e


def test_b2_grades_on_both_bots_and_reports_consistent_figures(capsys):
    argv = ["--users", "3", "--seconds", "1.5", "--warmup", "1"]
    assert b2_throughput.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["users"] == 3
    runs = report["runs"]
    assert set(runs) == {"sqlite", "baseline", "baseline_same_transport"}  # PostgreSQL: opt-in
    for figures in runs.values():
        assert figures["graded"] > 0 and figures["errors"] == 0
        assert figures["graded_per_second"] == pytest.approx(
            figures["graded"] / figures["seconds"], rel=0.01
        )
        assert figures["api_calls_per_second"] >= figures["graded_per_second"]
        assert figures["cpu_seconds"] > 0
        assert figures["cpu_ms_per_graded"] == pytest.approx(
            1000 * figures["cpu_seconds"] / figures["graded"], rel=0.05, abs=0.01
        )
    sqlite = runs["sqlite"]
    assert sqlite["baseline_share"] == pytest.approx(
        sqlite["graded_per_second"] / runs["baseline"]["graded_per_second"], abs=0.01
    )
    floor = runs["baseline_same_transport"]["cpu_ms_per_graded"]
    assert sqlite["cpu_ratio_to_same_transport"] == pytest.approx(
        sqlite["cpu_ms_per_graded"] / floor, rel=0.02, abs=0.01
    )
    assert sqlite["cpu_met"] == (sqlite["cpu_ratio_to_same_transport"] <= 1.15)
    assert sqlite["met"] == (
        sqlite["graded_per_second"] >= sqlite["target_graded_per_second"]
        and sqlite["baseline_share"] >= b2_throughput.TARGET_BASELINE_SHARE
    )


def test_b2_compares_fsrs_learners_with_sm2_learners(capsys):
    argv = ["--users", "3", "--seconds", "2", "--warmup", "1", "--sm2-too"]
    assert b2_throughput.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    fsrs, sm2 = report["runs"]["sqlite"], report["runs"]["sqlite_sm2"]
    assert fsrs["graded"] > 0 and sm2["graded"] > 0 and sm2["errors"] == 0
    assert report["fsrs_cpu_ratio_to_sm2"] == pytest.approx(
        fsrs["cpu_ms_per_graded"] / sm2["cpu_ms_per_graded"], rel=0.01
    )


@pytest.mark.parametrize("scheduler", ["fsrs", "sm2"])
def test_b2_seeds_its_learners_on_the_scheduler_asked_for(tmp_path, scheduler):
    from storage.database import close_database, database, open_database
    from storage.models import User

    url = f"sqlite:///{tmp_path / 'b2.db'}"
    b2_throughput._seeded(url, 3, 5, scheduler=scheduler)
    open_database(url)
    try:
        with database.connection_context():
            assert [user.scheduler for user in User.select()] == [scheduler] * 3
    finally:
        close_database()


@pytest.fixture
def postgres_database(tmp_path):
    """A PostgreSQL database of its own (B2 empties the tables of the one it is given)."""
    yield from e2e_database("postgresql", tmp_path)


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP_REASON)
def test_b2_grades_on_postgresql_too(capsys, postgres_database):
    argv = ["--users", "3", "--seconds", "1.5", "--warmup", "1"]
    assert b2_throughput.main([*argv, "--postgres-url", postgres_database.url]) == 0
    report = json.loads(capsys.readouterr().out)
    postgresql = report["runs"]["postgresql"]
    assert postgresql["graded"] > 0 and postgresql["errors"] == 0
    assert postgresql["graded_per_second"] == pytest.approx(
        postgresql["graded"] / postgresql["seconds"], rel=0.01
    )
    assert postgresql["met"] == (
        postgresql["graded_per_second"] >= postgresql["target_graded_per_second"]
        and postgresql["baseline_share"] >= b2_throughput.TARGET_BASELINE_SHARE
    )
