"""The emulator fixtures for this directory (they live in tests/support)."""

from tests.support.emulator_fixtures import emulator, telebot_bot

__all__ = ["emulator", "telebot_bot"]
