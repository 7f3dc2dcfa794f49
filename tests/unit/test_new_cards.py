"""The daily new-card limit (SPEC §4.2, §12): counted in the user's own day."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from wordbot.domain.new_cards import new_cards_allowed, user_day


@pytest.mark.parametrize(
    ("introduced", "limit", "wanted", "allowed"),
    [
        (0, 20, 5, 5),
        (18, 20, 5, 2),
        (20, 20, 5, 0),
        (25, 20, 5, 0),
        (0, 0, 5, 0),
        (0, 100, 3, 3),
    ],
)
def test_a_session_takes_new_cards_up_to_what_is_left_of_the_day(
    introduced, limit, wanted, allowed
):
    assert new_cards_allowed(introduced, limit, wanted) == allowed


def test_the_day_runs_from_local_midnight_to_local_midnight():
    tokyo = ZoneInfo("Asia/Tokyo")
    now = datetime(2025, 3, 1, 20, 0, tzinfo=UTC)  # already 2 March, 05:00 in Tokyo
    assert user_day(now, tokyo) == (
        datetime(2025, 3, 1, 15, 0, tzinfo=UTC),
        datetime(2025, 3, 2, 15, 0, tzinfo=UTC),
    )


def test_a_fixed_offset_zone_works_too():
    minus_five = timezone(timedelta(hours=-5))
    start, end = user_day(datetime(2025, 3, 1, 3, 0, tzinfo=UTC), minus_five)
    assert (start, end) == (
        datetime(2025, 2, 28, 5, 0, tzinfo=UTC),
        datetime(2025, 3, 1, 5, 0, tzinfo=UTC),
    )


def test_the_day_of_a_clock_change_is_23_hours_long():
    berlin = ZoneInfo("Europe/Berlin")
    start, end = user_day(datetime(2025, 3, 30, 12, 0, tzinfo=UTC), berlin)
    assert end - start == timedelta(hours=23)


def test_a_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        user_day(datetime(2025, 3, 1), UTC)
