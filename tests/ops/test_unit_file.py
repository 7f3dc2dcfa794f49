"""config/wordbot.service agrees with the code it runs (SPEC §16)."""

from __future__ import annotations

import re
from pathlib import Path

from wordbot.cli import CONFIG_ERROR_EXIT, main

UNIT = Path(__file__).resolve().parents[2] / "config" / "wordbot.service"


def _settings() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if match := re.fullmatch(r"([A-Za-z]+)=(.*)", line):
            found.setdefault(match[1], []).append(match[2])
    return found


def test_the_unit_does_not_restart_after_a_configuration_error():
    assert _settings()["RestartPreventExitStatus"] == [str(CONFIG_ERROR_EXIT)]


def test_a_configuration_error_exits_with_the_code_the_unit_names(monkeypatch, capsys):
    monkeypatch.setenv("WORDBOT_SCHEDULER_TICK_SECONDS", "never")

    assert main(["migrate"]) == CONFIG_ERROR_EXIT

    assert "scheduler.tick_seconds" in capsys.readouterr().err


def test_the_unit_is_a_hardened_notify_service():
    settings = _settings()
    assert settings["Type"] == ["notify"]
    assert settings["UMask"] == ["0077"]
    assert settings["CapabilityBoundingSet"] == [""]
    assert settings["SystemCallFilter"] == ["@system-service"]
    assert "WatchdogSec" in settings and "StateDirectory" in settings
