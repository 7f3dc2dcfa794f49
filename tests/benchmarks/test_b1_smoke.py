"""B1 at a tiny size: both bots run against the emulator and the figures come out."""

from __future__ import annotations

import json

import pytest

from wordbot.benchmarks import b1_latency

pytestmark = pytest.mark.e2e


def test_b1_runs_both_bots_and_reports_ratios(capsys):
    assert b1_latency.main(["--presses", "5"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["presses"] == 5
    assert report["wordbot_median_ms"] > 0 and report["baseline_median_ms"] > 0
    assert report["median_ratio"] == pytest.approx(
        report["wordbot_median_ms"] / report["baseline_median_ms"], rel=0.02
    )
    assert report["same_transport_median_ratio"] == pytest.approx(
        report["wordbot_median_ms"] / report["same_transport_median_ms"], rel=0.02
    )
