"""Smoke run of B7 (/words paging and search) at a tiny size, so it never rots. No timing is asserted."""

from __future__ import annotations

import json

from wordbot.benchmarks import b7_words


def test_b7_runs_and_reports_its_figures(capsys):
    assert b7_words.main(["--pairs", "120", "--runs", "20"]) == 0
    figures = json.loads(capsys.readouterr().out)["sqlite"]
    assert figures["pairs"] == 120 and figures["runs"] == 20
    for measure in ("page", "search"):
        assert 0 < figures[measure]["median_ms"] <= figures[measure]["p99_ms"]
    assert sum(figures["search_matches"].values()) > 0
