"""Reminder slots (SPEC §6.5): offsets, midnight crossings, once a day, downtime, first contact."""

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from wordbot.domain.slots import (
    LOOKBACK_DAYS,
    DueSlot,
    Slot,
    SlotTimes,
    latest_due_slot,
    next_slot_after,
)

MORNING, AFTERNOON, EVENING = Slot.MORNING, Slot.AFTERNOON, Slot.EVENING
ALL_SLOTS = frozenset(Slot)
DEFAULT_TIMES = SlotTimes.parse("08:00", "13:00", "20:00")
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
ONE_MINUTE = timedelta(minutes=1)


def utc(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


def due(
    now: datetime,
    *,
    enabled=ALL_SLOTS,
    times: SlotTimes = DEFAULT_TIMES,
    offset: int = 0,
    last: datetime | None = None,
    since: datetime = LONG_AGO,
) -> DueSlot | None:
    return latest_due_slot(
        enabled=enabled,
        times=times,
        timezone_offset_hours=offset,
        last_reminder_sent_at=last,
        since=since,
        now=now,
    )


def following(after: datetime, *, enabled=ALL_SLOTS, offset: int = 0) -> DueSlot | None:
    return next_slot_after(
        enabled=enabled, times=DEFAULT_TIMES, timezone_offset_hours=offset, after=after
    )


# --- SlotTimes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("08:00", time(8, 0)), ("8:05", time(8, 5)), ("00:00", time(0, 0)), ("23:59", time(23, 59))],
)
def test_slot_times_parse_reads_hours_and_minutes(text, expected):
    assert SlotTimes.parse(text, "13:00", "20:00").morning == expected


@pytest.mark.parametrize("text", ["24:00", "08:60", "8", "0800", "ab:cd", "", "08:00:00", "-1:00"])
def test_slot_times_parse_rejects_what_is_not_a_clock_time_naming_the_slot(text):
    with pytest.raises(ValueError, match="^evening: must be a time of day as HH:MM"):
        SlotTimes.parse("08:00", "13:00", text)


@pytest.mark.parametrize(
    ("slot", "expected"),
    [(MORNING, time(8)), (AFTERNOON, time(13)), (EVENING, time(20)), ("evening", time(20))],
)
def test_slot_times_at_gives_the_clock_time_of_each_slot(slot, expected):
    assert DEFAULT_TIMES.at(slot) == expected


# --- latest_due_slot: where a slot lands in UTC ----------------------------------------------


@pytest.mark.parametrize(
    ("offset", "times", "slot", "fires_at"),
    [
        pytest.param(0, DEFAULT_TIMES, MORNING, utc(2, 8), id="utc-morning"),
        pytest.param(-12, DEFAULT_TIMES, MORNING, utc(2, 20), id="minus12-morning-same-utc-day"),
        pytest.param(-12, DEFAULT_TIMES, EVENING, utc(3, 8), id="minus12-evening-next-utc-day"),
        pytest.param(14, DEFAULT_TIMES, MORNING, utc(1, 18), id="plus14-morning-previous-utc-day"),
        pytest.param(14, DEFAULT_TIMES, EVENING, utc(2, 6), id="plus14-evening-same-utc-day"),
        pytest.param(
            -5,
            SlotTimes.parse("08:00", "13:00", "23:30"),
            EVENING,
            utc(3, 4, 30),
            id="minus5-evening-2330-is-0430-next-day",
        ),
        pytest.param(
            5,
            SlotTimes.parse("00:15", "13:00", "20:00"),
            MORNING,
            utc(1, 19, 15),
            id="plus5-morning-0015-is-1915-previous-day",
        ),
    ],
)
def test_slot_fires_at_its_local_time_converted_to_utc(offset, times, slot, fires_at):
    """Local date 2024-03-02 at the slot's clock time, in a fixed offset, as a UTC instant."""
    assert due(fires_at, enabled={slot}, times=times, offset=offset) == DueSlot(slot, fires_at)
    assert due(fires_at - ONE_MINUTE, enabled={slot}, times=times, offset=offset) == DueSlot(
        slot, fires_at - timedelta(days=1)
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(
            utc(2, 7, 59), DueSlot(EVENING, utc(1, 20)), id="before-morning-yesterday-eve"
        ),
        pytest.param(utc(2, 8), DueSlot(MORNING, utc(2, 8)), id="exactly-morning"),
        pytest.param(utc(2, 12, 59), DueSlot(MORNING, utc(2, 8)), id="before-afternoon"),
        pytest.param(utc(2, 13), DueSlot(AFTERNOON, utc(2, 13)), id="exactly-afternoon"),
        pytest.param(utc(2, 20), DueSlot(EVENING, utc(2, 20)), id="exactly-evening"),
        pytest.param(utc(2, 23, 59), DueSlot(EVENING, utc(2, 20)), id="before-midnight"),
        pytest.param(utc(3, 0), DueSlot(EVENING, utc(2, 20)), id="midnight"),
    ],
)
def test_latest_occurrence_at_or_before_now_is_due(now, expected):
    assert due(now) == expected


@pytest.mark.parametrize("offset", [-12, -5, 0, 3, 14])
@pytest.mark.parametrize("slot", list(Slot))
def test_slot_fires_exactly_at_its_instant_and_not_a_minute_before(offset, slot):
    zone = timezone(timedelta(hours=offset))
    previous_slot_sent = datetime(2024, 3, 2, 0, 0, tzinfo=zone)
    fires_at = datetime.combine(date(2024, 3, 2), DEFAULT_TIMES.at(slot), zone)
    kwargs = {"enabled": {slot}, "offset": offset, "last": previous_slot_sent}
    assert due(fires_at - ONE_MINUTE, **kwargs) is None
    assert due(fires_at, **kwargs) == DueSlot(slot, fires_at.astimezone(UTC))


def test_fires_at_is_in_utc_whatever_zone_now_is_given_in():
    now = datetime(2024, 3, 2, 15, 0, tzinfo=timezone(timedelta(hours=2)))  # 13:00 UTC
    result = due(now)
    assert result == DueSlot(AFTERNOON, utc(2, 13))
    assert result.fires_at.tzinfo is UTC


# --- once a day, downtime, first contact, enabled slots -------------------------------------


@pytest.mark.parametrize("records", ["fires_at", "sent_at"])
@pytest.mark.parametrize("offset", [-12, -5, 0, 5, 14])
def test_each_enabled_slot_fires_once_a_day_when_ticks_feed_back_the_last_reminder(offset, records):
    """A tick every five minutes for three days: one reminder per slot per local day, in order."""
    zone = timezone(timedelta(hours=offset))
    start = datetime(2024, 3, 1, 0, 0, tzinfo=zone)
    last = None
    fired = []
    for tick in range(3 * 24 * 12):
        now = start + tick * timedelta(minutes=5)
        result = due(now, offset=offset, last=last, since=start)
        if result is not None:
            fired.append((result.fires_at.astimezone(zone), result.slot))
            last = result.fires_at if records == "fires_at" else now
    assert fired == [
        (datetime(2024, 3, day, hour, tzinfo=zone), slot)
        for day in (1, 2, 3)
        for hour, slot in ((8, MORNING), (13, AFTERNOON), (20, EVENING))
    ]


@pytest.mark.parametrize(
    ("back_at", "expected"),
    [
        pytest.param(utc(4, 21), DueSlot(EVENING, utc(4, 20)), id="back-in-the-evening"),
        pytest.param(utc(4, 14), DueSlot(AFTERNOON, utc(4, 13)), id="back-in-the-afternoon"),
        pytest.param(utc(4, 7), DueSlot(EVENING, utc(3, 20)), id="back-before-morning"),
    ],
)
def test_after_three_days_of_downtime_only_the_latest_missed_slot_fires_once(back_at, expected):
    last_sent = utc(1, 8)
    assert due(back_at, last=last_sent) == expected
    assert due(back_at + ONE_MINUTE, last=expected.fires_at) is None
    assert due(back_at + timedelta(minutes=30), last=back_at) is None


@pytest.mark.parametrize(
    ("since", "now", "expected"),
    [
        pytest.param(utc(2, 8, 30), utc(2, 9), None, id="morning-passed-before-first-contact"),
        pytest.param(utc(2, 8, 30), utc(2, 12, 59), None, id="still-nothing-before-afternoon"),
        pytest.param(
            utc(2, 8, 30), utc(2, 13), DueSlot(AFTERNOON, utc(2, 13)), id="next-slot-fires"
        ),
        pytest.param(utc(2, 8), utc(2, 9), DueSlot(MORNING, utc(2, 8)), id="contact-at-slot"),
        pytest.param(utc(2, 21), utc(3, 7), None, id="yesterday-evening-before-contact"),
        pytest.param(utc(2, 9), utc(2, 8, 30), None, id="now-before-first-contact"),
    ],
)
def test_slots_that_passed_before_first_contact_never_fire(since, now, expected):
    assert due(now, since=since) == expected


def test_first_contact_is_compared_as_an_instant_in_the_users_offset():
    """Morning 08:00 at +14 is 18:00 UTC the day before: contact at 18:30 UTC is after it."""
    assert due(utc(1, 19), offset=14, since=utc(1, 18, 30)) is None
    assert due(utc(1, 19), offset=14, since=utc(1, 17, 30)) == DueSlot(MORNING, utc(1, 18))


@pytest.mark.parametrize(
    ("enabled", "now", "expected"),
    [
        pytest.param({AFTERNOON}, utc(2, 21), DueSlot(AFTERNOON, utc(2, 13)), id="evening-off"),
        pytest.param({MORNING}, utc(2, 7, 59), DueSlot(MORNING, utc(1, 8)), id="only-morning"),
        pytest.param({MORNING, EVENING}, utc(2, 14), DueSlot(MORNING, utc(2, 8)), id="no-noon"),
        pytest.param(["evening"], utc(2, 20), DueSlot(EVENING, utc(2, 20)), id="slot-names"),
    ],
)
def test_disabled_slots_never_fire(enabled, now, expected):
    assert due(now, enabled=enabled) == expected


@pytest.mark.parametrize("enabled", [set(), (), frozenset()])
def test_no_enabled_slot_means_nothing_is_due(enabled):
    assert due(utc(2, 20), enabled=enabled) is None
    assert following(utc(2, 20), enabled=enabled) is None


def test_slots_sharing_a_clock_time_fire_one_reminder_reported_as_the_earlier_slot():
    times = SlotTimes.parse("08:00", "08:00", "20:00")
    first = due(utc(2, 8), times=times)
    assert first == DueSlot(MORNING, utc(2, 8))
    assert due(utc(2, 8, 1), times=times, last=first.fires_at) is None


def test_look_back_is_bounded_yet_finds_the_latest_occurrence_for_every_offset():
    """With only one slot the latest occurrence is up to a day old, inside the look-back."""
    assert LOOKBACK_DAYS >= 1
    for offset in range(-12, 15):
        for slot in Slot:
            result = due(utc(2, 12), enabled={slot}, offset=offset)
            assert result is not None
            assert utc(2, 12) - timedelta(days=1) < result.fires_at <= utc(2, 12)


# --- next_slot_after -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "enabled", "after", "expected"),
    [
        pytest.param(0, ALL_SLOTS, utc(2, 7, 59), DueSlot(MORNING, utc(2, 8)), id="before-morning"),
        pytest.param(0, ALL_SLOTS, utc(2, 8), DueSlot(AFTERNOON, utc(2, 13)), id="strictly-after"),
        pytest.param(
            0, ALL_SLOTS, utc(2, 20), DueSlot(MORNING, utc(3, 8)), id="across-midnight-utc"
        ),
        pytest.param(0, {MORNING}, utc(2, 8), DueSlot(MORNING, utc(3, 8)), id="only-morning"),
        pytest.param(
            0,
            ALL_SLOTS,
            utc(31, 21, month=12),
            DueSlot(MORNING, datetime(2025, 1, 1, 8, tzinfo=UTC)),
            id="across-new-year",
        ),
        pytest.param(
            14,
            ALL_SLOTS,
            utc(1, 17, 59),
            DueSlot(MORNING, utc(1, 18)),
            id="plus14-previous-utc-day",
        ),
        pytest.param(
            14, ALL_SLOTS, utc(2, 6), DueSlot(MORNING, utc(2, 18)), id="plus14-after-evening"
        ),
        pytest.param(
            -12, ALL_SLOTS, utc(2, 20), DueSlot(AFTERNOON, utc(3, 1)), id="minus12-after-morning"
        ),
        pytest.param(
            -12,
            {EVENING},
            utc(2, 9),
            DueSlot(EVENING, utc(3, 8)),
            id="minus12-evening-next-utc-day",
        ),
        pytest.param(
            -5, {MORNING}, utc(2, 23), DueSlot(MORNING, utc(3, 13)), id="minus5-local-evening"
        ),
    ],
)
def test_next_slot_after_is_the_first_enabled_occurrence_strictly_later(
    offset, enabled, after, expected
):
    assert following(after, enabled=enabled, offset=offset) == expected


def test_next_slot_after_crosses_local_midnight_into_the_next_utc_day():
    times = SlotTimes.parse("08:00", "13:00", "23:30")
    result = next_slot_after(
        enabled={EVENING}, times=times, timezone_offset_hours=-5, after=utc(3, 4)
    )
    assert result == DueSlot(EVENING, utc(3, 4, 30))


def test_next_slot_after_a_due_slot_is_the_deadline_of_its_reminder_session():
    """A reminder session is missed when no grade happens before the next slot (§6.4)."""
    sent = due(utc(2, 13, 5))
    assert sent == DueSlot(AFTERNOON, utc(2, 13))
    deadline = following(sent.fires_at)
    assert deadline == DueSlot(EVENING, utc(2, 20))
    assert due(deadline.fires_at, last=sent.fires_at) == deadline


# --- invalid input -----------------------------------------------------------------------------

NAIVE = datetime(2024, 3, 2, 12, 0)


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("now", {"now": NAIVE}),
        ("since", {"since": NAIVE}),
        ("last_reminder_sent_at", {"last_reminder_sent_at": NAIVE}),
    ],
)
def test_latest_due_slot_rejects_naive_datetimes(field, overrides):
    arguments = {
        "enabled": ALL_SLOTS,
        "times": DEFAULT_TIMES,
        "timezone_offset_hours": 0,
        "last_reminder_sent_at": None,
        "since": LONG_AGO,
        "now": utc(2, 12),
    }
    with pytest.raises(ValueError, match=f"^{field} must be timezone-aware"):
        latest_due_slot(**(arguments | overrides))


def test_next_slot_after_rejects_a_naive_datetime():
    with pytest.raises(ValueError, match="^after must be timezone-aware"):
        following(NAIVE)


@pytest.mark.parametrize("offset", [-13, 15, 100])
def test_offsets_outside_minus_12_to_plus_14_are_rejected(offset):
    with pytest.raises(ValueError, match="timezone_offset_hours"):
        due(utc(2, 12), offset=offset)
    with pytest.raises(ValueError, match="timezone_offset_hours"):
        following(utc(2, 12), offset=offset)
