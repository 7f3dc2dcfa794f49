"""Own reminder times in the learner's IANA zone, DST included (SPEC §15, §6.4–6.5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from wordbot.domain.reminder_times import (
    MAX_REMINDER_TIMES,
    ReminderTime,
    TimeRefusal,
    add_reminder_time,
    default_reminder_times,
    latest_due_reminder,
    next_reminder_at,
    occurrence_instant,
    remove_reminder_time,
    times_from_json,
    times_to_json,
    toggle_reminder_time,
)
from wordbot.domain.slots import SlotTimes

BERLIN = ZoneInfo("Europe/Berlin")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(zone: str, *parts: int, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone), fold=fold)


def times(*labels: str, off: tuple[str, ...] = ()) -> tuple[ReminderTime, ...]:
    result = []
    for label in labels:
        hour, minute = map(int, label.split(":"))
        result.append(ReminderTime(time(hour, minute), enabled=label not in off))
    return tuple(result)


@pytest.mark.parametrize(
    ("zone", "reminders", "after", "expected"),
    [
        # Spring forward: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist and fires at 03:00.
        (
            "Europe/Berlin",
            times("02:30"),
            utc(2026, 3, 28, 23, 0),
            local("Europe/Berlin", 2026, 3, 29, 3, 0),
        ),
        (
            "Europe/Berlin",
            times("02:30"),
            utc(2026, 3, 29, 1, 0),
            local("Europe/Berlin", 2026, 3, 30, 2, 30),
        ),
        # Fall back: 02:30 happens twice; the first (CEST, 00:30 UTC) fires, the second does not.
        ("Europe/Berlin", times("02:30"), utc(2026, 10, 24, 23, 0), utc(2026, 10, 25, 0, 30)),
        (
            "Europe/Berlin",
            times("02:30"),
            utc(2026, 10, 25, 0, 30),
            local("Europe/Berlin", 2026, 10, 26, 2, 30),
        ),
        # Half- and three-quarter-hour zones.
        ("Asia/Kolkata", times("08:00"), utc(2026, 1, 5, 0, 0), utc(2026, 1, 5, 2, 30)),
        (
            "Pacific/Chatham",
            times("08:00"),
            utc(2026, 1, 4, 12, 0),
            utc(2026, 1, 4, 18, 15),
        ),  # +13:45
        (
            "Pacific/Chatham",
            times("08:00"),
            utc(2026, 7, 4, 12, 0),
            utc(2026, 7, 4, 19, 15),
        ),  # +12:45
        # A migrated fixed offset.
        ("Etc/GMT-3", times("08:00", "20:00"), utc(2026, 1, 5, 6, 0), utc(2026, 1, 5, 17, 0)),
        # Times that are off never fire; the next enabled one does.
        (
            "UTC",
            times("08:00", "13:00", off=("08:00",)),
            utc(2026, 1, 5, 0, 0),
            utc(2026, 1, 5, 13, 0),
        ),
        ("UTC", times("08:00", off=("08:00",)), utc(2026, 1, 5, 0, 0), None),
        ("UTC", (), utc(2026, 1, 5, 0, 0), None),
    ],
    ids=[
        "berlin_spring_gap_fires_at_three",
        "berlin_after_the_gap_next_day_as_usual",
        "berlin_fall_back_first_occurrence",
        "berlin_fall_back_second_occurrence_skipped",
        "kolkata_plus_5_30",
        "chatham_plus_13_45_summer",
        "chatham_plus_12_45_winter",
        "etc_gmt_minus_3",
        "disabled_time_skipped",
        "all_off",
        "no_times",
    ],
)
def test_next_reminder_at(
    zone: str, reminders: tuple[ReminderTime, ...], after: datetime, expected: datetime | None
) -> None:
    assert next_reminder_at(reminders, zone, after) == expected


def test_times_sharing_a_spring_forward_instant_fire_once_as_the_earlier() -> None:
    due = latest_due_reminder(
        times("02:30", "03:00"),
        "Europe/Berlin",
        last_reminder_sent_at=None,
        since=utc(2026, 3, 1),
        now=utc(2026, 3, 29, 1, 5),
    )
    assert due is not None
    assert (due.at, due.local_date, due.fires_at) == (
        time(2, 30),
        date(2026, 3, 29),
        utc(2026, 3, 29, 1, 0),
    )


def test_the_ambiguous_time_fires_once_on_the_fall_back_night() -> None:
    first = latest_due_reminder(
        times("02:30"),
        "Europe/Berlin",
        last_reminder_sent_at=None,
        since=utc(2026, 10, 1),
        now=utc(2026, 10, 25, 0, 31),
    )
    assert first is not None and first.fires_at == utc(2026, 10, 25, 0, 30)
    again = latest_due_reminder(
        times("02:30"),
        "Europe/Berlin",
        last_reminder_sent_at=first.fires_at,
        since=utc(2026, 10, 1),
        now=utc(2026, 10, 25, 1, 31),  # 02:31 CET, after the second 02:30
    )
    assert again is None


@pytest.mark.parametrize(
    ("zone", "at", "expected"),
    [
        (
            "Europe/Berlin",
            local("Europe/Berlin", 2026, 3, 29, 2, 30).replace(tzinfo=None),
            utc(2026, 3, 29, 1, 0),
        ),
        ("Europe/Berlin", datetime(2026, 10, 25, 2, 30), utc(2026, 10, 25, 0, 30)),
        ("America/New_York", datetime(2026, 3, 8, 2, 15), utc(2026, 3, 8, 7, 0)),  # gap → 03:00 EDT
        (
            "Australia/Lord_Howe",
            datetime(2026, 10, 4, 2, 10),
            local("Australia/Lord_Howe", 2026, 10, 4, 2, 30),
        ),
    ],
    ids=["berlin_gap", "berlin_fold", "new_york_gap", "lord_howe_half_hour_gap"],
)
def test_an_occurrence_is_the_first_instant_at_or_after_its_local_time(
    zone: str, at: datetime, expected: datetime
) -> None:
    assert occurrence_instant(at.date(), at.time(), ZoneInfo(zone)) == expected


DAILY = times("08:00", "13:00", "20:00")


@pytest.mark.parametrize(
    ("reminders", "zone", "last", "since", "now", "expected"),
    [
        # The bot was down from yesterday 19:00 to today 21:00 (Berlin): only 20:00 today fires.
        (
            DAILY,
            "Europe/Berlin",
            utc(2026, 1, 4, 12, 0),
            utc(2026, 1, 1),
            utc(2026, 1, 5, 20, 0),
            utc(2026, 1, 5, 19, 0),
        ),
        # …and once recorded, nothing more until tomorrow 08:00.
        (
            DAILY,
            "Europe/Berlin",
            utc(2026, 1, 5, 19, 0),
            utc(2026, 1, 1),
            utc(2026, 1, 5, 23, 0),
            None,
        ),
        # Times before the first contact never fire.
        (DAILY, "UTC", None, utc(2026, 1, 5, 8, 30), utc(2026, 1, 5, 9, 0), None),
        (
            DAILY,
            "UTC",
            None,
            utc(2026, 1, 5, 8, 30),
            utc(2026, 1, 5, 13, 0),
            utc(2026, 1, 5, 13, 0),
        ),
        # Kolkata: 08:00 IST is 02:30 UTC.
        (
            DAILY,
            "Asia/Kolkata",
            None,
            utc(2026, 1, 1),
            utc(2026, 1, 5, 2, 30),
            utc(2026, 1, 5, 2, 30),
        ),
        # Nothing on: nothing due.
        (times("08:00", off=("08:00",)), "UTC", None, utc(2026, 1, 1), utc(2026, 1, 5, 9, 0), None),
    ],
    ids=[
        "missed_while_down_fires_latest",
        "fires_once",
        "before_first_contact",
        "after_first_contact",
        "kolkata",
        "all_off",
    ],
)
def test_latest_due_reminder(
    reminders: tuple[ReminderTime, ...],
    zone: str,
    last: datetime | None,
    since: datetime,
    now: datetime,
    expected: datetime | None,
) -> None:
    due = latest_due_reminder(reminders, zone, last_reminder_sent_at=last, since=since, now=now)
    assert (None if due is None else due.fires_at) == expected


def test_a_time_added_after_it_passed_today_does_not_fire_today() -> None:
    added_at = utc(2026, 1, 5, 10, 0)
    updated = add_reminder_time(times("20:00"), "09:00").times
    assert next_reminder_at(updated, "UTC", added_at) == utc(2026, 1, 5, 20, 0)
    assert next_reminder_at(times("09:00"), "UTC", added_at) == utc(2026, 1, 6, 9, 0)
    # A caller that passes the change as `since` is safe even when a check runs at once.
    due = latest_due_reminder(
        updated, "UTC", last_reminder_sent_at=None, since=added_at, now=added_at
    )
    assert due is None


def test_naive_datetimes_and_unknown_zones_are_refused() -> None:
    with pytest.raises(ValueError):
        next_reminder_at(DAILY, "UTC", datetime(2026, 1, 5))
    with pytest.raises(ValueError):
        next_reminder_at(DAILY, "Mars/Olympus", utc(2026, 1, 5))


# --- adding, toggling, removing ------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "typed", "refusal"),
    [
        (DAILY, "25:99", TimeRefusal.NOT_A_TIME),
        (DAILY, "24:00", TimeRefusal.NOT_A_TIME),
        (DAILY, "noon", TimeRefusal.NOT_A_TIME),
        (DAILY, "<b>09:00</b>", TimeRefusal.NOT_A_TIME),
        (DAILY, "", TimeRefusal.NOT_A_TIME),
        (DAILY, "09:03", TimeRefusal.NOT_A_STEP),
        (DAILY, "08:00", TimeRefusal.ALREADY_THERE),
        (DAILY, "8:00", TimeRefusal.ALREADY_THERE),
        (times("07:00", "08:00", "09:00", "10:00", "11:00"), "12:00", TimeRefusal.TOO_MANY),
    ],
    ids=["25_99", "24_00", "word", "html", "empty", "off_step", "twice", "twice_short", "sixth"],
)
def test_a_refused_time_gives_a_reason_and_changes_nothing(
    existing: tuple[ReminderTime, ...], typed: str, refusal: TimeRefusal
) -> None:
    result = add_reminder_time(existing, typed)
    assert result.refusal is refusal
    assert result.times == existing


@pytest.mark.parametrize(
    ("typed", "added"), [("9:05", time(9, 5)), ("23:55", time(23, 55)), ("00.00", time(0, 0))]
)
def test_an_added_time_is_on_and_kept_in_order(typed: str, added: time) -> None:
    result = add_reminder_time(DAILY, typed)
    assert result.refusal is None
    assert ReminderTime(added, True) in result.times
    assert [item.at for item in result.times] == sorted(item.at for item in result.times)
    assert len(result.times) == 4 <= MAX_REMINDER_TIMES


def test_toggle_and_remove_address_a_time_by_its_clock_time() -> None:
    toggled = toggle_reminder_time(DAILY, time(13, 0))
    assert toggled == times("08:00", "13:00", "20:00", off=("13:00",))
    assert toggle_reminder_time(toggled, time(13, 0)) == DAILY
    assert remove_reminder_time(DAILY, time(8, 0)) == times("13:00", "20:00")
    assert remove_reminder_time(DAILY, time(9, 0)) == DAILY


def test_defaults_are_the_configured_slots_with_the_learners_flags() -> None:
    slot_times = SlotTimes.parse("08:00", "13:00", "20:00")
    assert default_reminder_times(slot_times) == DAILY
    assert default_reminder_times(slot_times, afternoon=False) == times(
        "08:00", "13:00", "20:00", off=("13:00",)
    )
    same = SlotTimes.parse("09:00", "09:00", "20:00")
    assert default_reminder_times(same, morning=False) == times("09:00", "20:00")


def test_times_round_trip_through_their_stored_form() -> None:
    stored = times_to_json(times("20:00", "08:05", off=("20:00",)))
    assert stored == [{"time": "08:05", "enabled": True}, {"time": "20:00", "enabled": False}]
    assert times_from_json(stored) == times("08:05", "20:00", off=("20:00",))
    assert times_from_json(None) is None
    assert times_from_json([{"time": "25:00"}]) is None
    assert times_from_json("08:00") is None
