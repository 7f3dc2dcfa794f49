"""Smoke runs of the benchmarks at tiny sizes, so they never rot. No timing is asserted."""

from __future__ import annotations

import json

import pytest

from tests.support.databases import POSTGRES_SKIP_REASON, POSTGRES_URL
from wordbot.benchmarks import b5_selection


def test_b5_runs_and_reports_its_figures(capsys):
    assert b5_selection.main(["--cards", "200", "--runs", "20"]) == 0
    report = json.loads(capsys.readouterr().out)
    figures = report["sqlite"]
    assert figures["cards"] == 200 and figures["runs"] == 20
    assert 0 < figures["median_ms"] <= figures["p99_ms"]


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP_REASON)
def test_b5_runs_on_postgresql_in_a_schema_of_its_own(capsys):
    assert b5_selection.main(["--cards", "200", "--runs", "20", "--postgres", POSTGRES_URL]) == 0
    report = json.loads(capsys.readouterr().out)
    figures = report["postgresql"]
    assert figures["cards"] == 200 and figures["runs"] == 20
    assert 0 < figures["median_ms"] <= figures["p99_ms"]
