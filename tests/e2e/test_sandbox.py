"""`wordbot sandbox` as a newcomer uses it: piped input, quit mid-review, come back, carry on."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def sandbox(script: str, cwd) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORDBOT_")}
    result = subprocess.run(
        [sys.executable, "-m", "wordbot", "sandbox"],
        input=script,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_quit_mid_review_and_continue_at_the_same_card(tmp_path):
    (tmp_path / "words.csv").write_text("front,back\nsun,sol\nmoon,luna\nstar,estrella\n")
    first = sandbox(":file words.csv\n/review\n3\n:quit\n", tmp_path)
    assert "Imported 3 new pairs, updated 0, skipped 0 rows." in first
    assert "Card 2 of 3" in first

    second = sandbox("3\n4\n/export\n", tmp_path)
    shown = first.split("Card 2 of 3")[0].splitlines()[-1]  # e.g. "luna → ▒▒▒"
    left_off = second.split("Where you left off:", 1)[1]
    assert left_off.split("(pressed")[0].count(f"{shown}\nCard 2 of 3") == 1
    assert "Card 3 of 3" in second
    assert "Well done reviewing 3 cards." in second
    exported = next((tmp_path / "sandbox-downloads").glob("vocabulary-*.csv")).read_bytes()
    assert exported.decode("utf-8-sig").split("\r\n")[:3] == [
        "moon,luna",
        "star,estrella",
        "sun,sol",
    ]
    assert "sandbox-token" not in (tmp_path / "wordbot-sandbox.log").read_text()
