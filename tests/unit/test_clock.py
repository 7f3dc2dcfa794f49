"""The clocks: the fake one moves only when told; the system clock's test-only offset hook."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wordbot.clock import TEST_CLOCK_OFFSET_ENV, FakeClock, system_clock


@pytest.mark.parametrize(
    ("environ", "offset"),
    [
        pytest.param({}, timedelta(0), id="unset-production"),
        pytest.param({TEST_CLOCK_OFFSET_ENV: ""}, timedelta(0), id="empty"),
        pytest.param({TEST_CLOCK_OFFSET_ENV: "90"}, timedelta(seconds=90), id="ahead"),
        pytest.param({TEST_CLOCK_OFFSET_ENV: " -3600.5 "}, timedelta(seconds=-3600.5), id="behind"),
    ],
)
def test_the_system_clock_is_shifted_only_by_the_test_hook(environ, offset):
    assert system_clock(environ).offset == offset


def test_a_test_hook_that_is_not_a_number_is_named_in_the_error():
    with pytest.raises(ValueError, match=TEST_CLOCK_OFFSET_ENV):
        system_clock({TEST_CLOCK_OFFSET_ENV: "soon"})


def test_the_fake_clock_moves_only_when_advanced_or_set():
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    clock = FakeClock(start)
    assert clock.now() == clock.now() == start
    assert clock.advance(seconds=90) == start + timedelta(seconds=90)
    clock.set(start)
    assert clock.now() == start
