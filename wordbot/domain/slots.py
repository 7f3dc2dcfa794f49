"""Reminder slots (SPEC §6.5): which slot occurrence is due at `now`, and when the next one is.

A slot occurrence is a (user-local date, slot) pair firing at `SlotTimes.at(slot)` on that
date in the user's fixed UTC offset. Pure: no clock and no storage; the caller passes aware
datetimes (any zone, ValueError if naive) and gets UTC instants back.

Decisions where the SPEC is silent:
* `latest_due_slot` answers the latest enabled occurrence at or before `now`, and only if
  it is strictly after `last_reminder_sent_at` and at or after `since`. Both are lower
  bounds, so when the latest occurrence fails them every older one does too: after
  downtime only the latest missed slot fires, and once the caller records it as sent
  (either its `fires_at` or the instant it was sent, both work) it is never due again.
* Look-back: every enabled slot occurs once per local day, so the latest occurrence at or
  before `now` is at most 24 hours old; only the occurrences of the last LOOKBACK_DAYS
  local dates before the one of `now` (and that date itself) are considered, which holds
  it for any offset. Older ones could never be the answer.
* "At most once per day" follows from the above while the slot times and the offset stay
  the same. After the user moves a slot or changes the offset, a moved occurrence later
  than the last reminder fires, even on a day a reminder was already sent.
* Two enabled slots configured at the same time are one occurrence, reported as the
  earlier slot in day order (morning, afternoon, evening): one reminder fires for both.
* Slot times are clock times; a time's tzinfo, if any, is ignored (the offset decides).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum

__all__ = [
    "LOOKBACK_DAYS",
    "MAXIMUM_OFFSET_HOURS",
    "MINIMUM_OFFSET_HOURS",
    "DueSlot",
    "Slot",
    "SlotTimes",
    "latest_due_slot",
    "next_slot_after",
]

MINIMUM_OFFSET_HOURS = -12
MAXIMUM_OFFSET_HOURS = 14
LOOKBACK_DAYS = 2

_CLOCK_TIME = re.compile(r"(\d{1,2}):(\d{2})")


class Slot(StrEnum):
    """A reminder slot of the day, in day order."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


@dataclass(frozen=True, slots=True)
class SlotTimes:
    """The user-local clock time of each slot (`reminders.morning` … in the config)."""

    morning: time
    afternoon: time
    evening: time

    @staticmethod
    def parse(morning: str, afternoon: str, evening: str) -> SlotTimes:
        """Slot times from "HH:MM" strings ("8:05" too); ValueError naming the slot if invalid."""
        return SlotTimes(
            morning=_parse_clock_time(Slot.MORNING, morning),
            afternoon=_parse_clock_time(Slot.AFTERNOON, afternoon),
            evening=_parse_clock_time(Slot.EVENING, evening),
        )

    def at(self, slot: Slot) -> time:
        """The local clock time of `slot`."""
        match Slot(slot):
            case Slot.MORNING:
                return self.morning
            case Slot.AFTERNOON:
                return self.afternoon
            case Slot.EVENING:
                return self.evening


@dataclass(frozen=True, slots=True)
class DueSlot:
    """One slot occurrence: which slot, and the UTC instant it fires."""

    slot: Slot
    fires_at: datetime


def latest_due_slot(
    *,
    enabled: Collection[Slot],
    times: SlotTimes,
    timezone_offset_hours: int,
    last_reminder_sent_at: datetime | None,
    since: datetime,
    now: datetime,
) -> DueSlot | None:
    """The latest enabled occurrence with `since <= fires_at <= now` and after the last
    reminder, or None: what a reminder tick should send now."""
    now = _as_utc(now, "now")
    since = _as_utc(since, "since")
    last = (
        None
        if last_reminder_sent_at is None
        else _as_utc(last_reminder_sent_at, "last_reminder_sent_at")
    )
    zone = _user_zone(timezone_offset_hours)
    today = now.astimezone(zone).date()
    first_day = today - timedelta(days=LOOKBACK_DAYS)
    passed = [
        due for due in _occurrences(enabled, times, zone, first_day, today) if due.fires_at <= now
    ]
    if not passed:
        return None
    latest = max(passed, key=_fires_at)
    if latest.fires_at < since or (last is not None and latest.fires_at <= last):
        return None
    return latest


def next_slot_after(
    *,
    enabled: Collection[Slot],
    times: SlotTimes,
    timezone_offset_hours: int,
    after: datetime,
) -> DueSlot | None:
    """The first enabled occurrence strictly after `after`, or None when no slot is enabled:
    when the next reminder is due, and the deadline before which a reminder session must be
    graded not to count as missed (SPEC §6.4)."""
    after = _as_utc(after, "after")
    zone = _user_zone(timezone_offset_hours)
    today = after.astimezone(zone).date()
    # Every enabled slot occurs on the next local date, so the answer is today or tomorrow.
    upcoming = [
        due
        for due in _occurrences(enabled, times, zone, today, today + timedelta(days=1))
        if due.fires_at > after
    ]
    return min(upcoming, key=_fires_at, default=None)


def _parse_clock_time(slot: Slot, text: str) -> time:
    match = _CLOCK_TIME.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None or int(match[1]) >= 24 or int(match[2]) >= 60:
        raise ValueError(f"{slot}: must be a time of day as HH:MM, got {text!r}")
    return time(int(match[1]), int(match[2]))


def _as_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def _user_zone(timezone_offset_hours: int) -> timezone:
    if not MINIMUM_OFFSET_HOURS <= timezone_offset_hours <= MAXIMUM_OFFSET_HOURS:
        raise ValueError(
            f"timezone_offset_hours must be within {MINIMUM_OFFSET_HOURS}…"
            f"+{MAXIMUM_OFFSET_HOURS}, got {timezone_offset_hours}"
        )
    return timezone(timedelta(hours=timezone_offset_hours))


def _occurrences(
    enabled: Collection[Slot], times: SlotTimes, zone: timezone, first_day: date, last_day: date
) -> Iterator[DueSlot]:
    """Every enabled slot on every local date from `first_day` to `last_day` inclusive, one
    per instant (slots sharing a clock time give only the earliest in day order)."""
    wanted = {Slot(slot) for slot in enabled}
    slots = [slot for slot in Slot if slot in wanted]
    day = first_day
    while day <= last_day:
        clock_times: set[time] = set()
        for slot in slots:
            clock_time = times.at(slot).replace(tzinfo=None)
            if clock_time in clock_times:
                continue
            clock_times.add(clock_time)
            local = datetime.combine(day, clock_time, tzinfo=zone)
            yield DueSlot(slot, local.astimezone(UTC))
        day += timedelta(days=1)


def _fires_at(due: DueSlot) -> datetime:
    return due.fires_at
