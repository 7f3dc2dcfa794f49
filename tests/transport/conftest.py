from tests.support.emulator_fixtures import emulator, telebot_bot  # noqa: F401
