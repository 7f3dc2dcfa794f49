"""A smoke run of B6 at a tiny size, and the example picture it writes. No timing is asserted."""

from __future__ import annotations

import json

from wordbot.benchmarks import b6_stats


def test_b6_runs_and_reports_its_figures(capsys):
    assert b6_stats.main(["--cards", "300", "--days", "40", "--runs", "3"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cards"] == 300 and report["runs"] == 3
    for figure in ("time_ms", "png_bytes"):
        assert 0 < report[figure]["median"] <= report[figure]["p99"] <= report[figure]["max"]
    assert report["target_ms"] == 300 and report["target_bytes"] == 200 * 1024


def test_b6_writes_the_same_example_picture_every_time(tmp_path, capsys):
    first, second = tmp_path / "a" / "stats.png", tmp_path / "stats.png"
    assert b6_stats.main(["--example", str(first)]) == 0
    assert b6_stats.main(["--example", str(second)]) == 0
    assert first.read_bytes().startswith(b"\x89PNG") and first.read_bytes() == second.read_bytes()
