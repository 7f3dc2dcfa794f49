"""Smoke run of B8 (an import's writer holds) at a tiny size, so it never rots. No timing is
asserted; the counts of write transactions are the design: staged chunks, one apply, discards."""

from __future__ import annotations

import json

from wordbot.benchmarks import b8_import


def test_b8_runs_and_reports_its_figures(capsys):
    assert b8_import.main(["--pairs", "1200", "--runs", "1", "--neighbours", "1"]) == 0
    figures = json.loads(capsys.readouterr().out)["sqlite"]
    assert (figures["pairs"], figures["runs"]) == (1200, 1)
    for scenario in ("new_pairs", "all_updated"):
        chunked, single = figures[scenario]["chunked"], figures[scenario]["one_transaction"]
        assert chunked["write_transactions"] == 3 + 1 + 1  # 500 + 500 + 200, the apply, a discard
        assert single["write_transactions"] == 1
        assert 0 < chunked["final_apply_ms"] <= chunked["longest_hold_max_ms"]
