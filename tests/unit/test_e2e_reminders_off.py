"""The e2e runs' "reminders off" (tests/support/bot_process): whatever the hour a run starts,
no slot of a new learner comes within a day, and the scheduler ticks once a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.bot_process import reminders_off
from wordbot.domain.slots import Slot, SlotTimes, next_slot_after

STARTS = [
    datetime(2026, 1, 5, 7, 59, 59, tzinfo=UTC),  # a second before the default morning slot
    datetime(2026, 1, 5, 8, 0, 0, tzinfo=UTC),
    datetime(2026, 1, 5, 23, 59, 30, tzinfo=UTC),  # across midnight
    datetime(2026, 1, 6, 0, 1, 0, tzinfo=UTC),
    datetime(2026, 1, 6, 12, 34, 56, tzinfo=UTC),
]


@pytest.mark.parametrize("start", STARTS, ids=lambda moment: moment.strftime("%H:%M:%S"))
def test_no_slot_comes_within_a_day_of_the_start(start):
    env = reminders_off(start)
    times = SlotTimes.parse(
        env["WORDBOT_REMINDERS_MORNING"],
        env["WORDBOT_REMINDERS_AFTERNOON"],
        env["WORDBOT_REMINDERS_EVENING"],
    )
    upcoming = next_slot_after(
        enabled=list(Slot), times=times, timezone_offset_hours=0, after=start
    )
    assert upcoming.fires_at - start > timedelta(hours=23, minutes=57)
    assert int(env["WORDBOT_SCHEDULER_TICK_SECONDS"]) >= 24 * 3600
