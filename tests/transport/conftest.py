from tests.support.emulator_fixtures import emulator  # noqa: F401
