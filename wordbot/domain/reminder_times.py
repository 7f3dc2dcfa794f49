"""A learner's own reminder times (SPEC §15, §6.4–6.5): which occurrence is due, when the next is.

Each learner has up to MAX_REMINDER_TIMES clock times ("HH:MM", 5-minute steps), each on or
off, in their IANA zone. An occurrence is a (local date, time) pair. Pure: no clock and no
storage; callers pass aware datetimes (ValueError if naive) and get UTC instants back.

Decisions where the SPEC is silent (those of `slots.py` kept where they still apply):
* DST: a local time that does not exist that day (spring forward) fires at the first instant
  after it, i.e. at the transition (Berlin 2026-03-29 02:30 → 03:00 CEST); an ambiguous one
  (fall back) fires once, at its first occurrence (Berlin 2026-10-25 02:30 CEST).
* Two enabled times falling on the same instant (02:30 and 03:00 on a spring-forward night)
  are one occurrence, reported as the earlier clock time: one reminder fires for both.
* `latest_due_reminder` answers the latest enabled occurrence at or before `now`, and only if
  it is strictly after `last_reminder_sent_at` and at or after `since`. Both are lower bounds,
  so after downtime only the latest missed time fires, once; times before the learner's first
  contact (`since`) never fire.
* A time added (or a zone chosen) after its occurrence today passed does not fire today: the
  caller recomputes `next_reminder_at(after=now)` on every change, and a due check only runs
  once that instant passed. A caller that also keeps when the times last changed may pass
  the later of that and first contact as `since`, which makes it hold in every case.
* Look-back: the latest occurrence at or before `now` is at most a day (plus a DST hour) old,
  so only the local dates from LOOKBACK_DAYS before `now`'s are considered.
* The defaults are the three configured slots (`default_reminder_times`); configured slot
  times need not be on a 5-minute step, only times a learner adds are checked.
* Stored form: a JSON list of {"time": "HH:MM", "enabled": bool}, sorted by time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wordbot.domain.slots import SlotTimes

__all__ = [
    "LOOKBACK_DAYS",
    "MAX_REMINDER_TIMES",
    "STEP_MINUTES",
    "AddTimeResult",
    "DueReminder",
    "ReminderTime",
    "TimeRefusal",
    "add_reminder_time",
    "default_reminder_times",
    "latest_due_reminder",
    "next_reminder_at",
    "occurrence_instant",
    "parse_clock_time",
    "remove_reminder_time",
    "times_from_json",
    "times_to_json",
    "toggle_reminder_time",
]

MAX_REMINDER_TIMES = 5
STEP_MINUTES = 5
LOOKBACK_DAYS = 2

_CLOCK_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


@dataclass(frozen=True, slots=True)
class ReminderTime:
    """One of a learner's reminder times: a local clock time, on or off."""

    at: time
    enabled: bool = True

    @property
    def label(self) -> str:
        """The time as the learner reads and types it: "08:05"."""
        return f"{self.at.hour:02d}:{self.at.minute:02d}"


class TimeRefusal(StrEnum):
    """Why a typed time was not added; rendering turns it into a hint."""

    NOT_A_TIME = "not_a_time"
    NOT_A_STEP = "not_a_step"
    TOO_MANY = "too_many"
    ALREADY_THERE = "already_there"


@dataclass(frozen=True, slots=True)
class AddTimeResult:
    times: tuple[ReminderTime, ...]  # the times after adding (unchanged when refused)
    refusal: TimeRefusal | None  # None when the time was added


@dataclass(frozen=True, slots=True)
class DueReminder:
    """One occurrence: which clock time, on which local date, and the UTC instant it fires."""

    at: time
    local_date: date
    fires_at: datetime


def parse_clock_time(text: str) -> time | None:
    """The time of a typed "HH:MM" ("8:05" and "08.05" too), or None."""
    match = _CLOCK_TIME.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


@lru_cache(maxsize=64)
def default_reminder_times(
    slot_times: SlotTimes, *, morning: bool = True, afternoon: bool = True, evening: bool = True
) -> tuple[ReminderTime, ...]:
    """The configured slots as reminder times, on or off as the learner's slot flags say."""
    flags = ((slot_times.morning, morning), (slot_times.afternoon, afternoon))
    flags += ((slot_times.evening, evening),)
    merged: dict[time, bool] = {}
    for at, enabled in flags:
        at = at.replace(tzinfo=None, second=0, microsecond=0)
        merged[at] = merged.get(at, False) or enabled
    return _sorted(ReminderTime(at, enabled) for at, enabled in merged.items())


def add_reminder_time(times: Sequence[ReminderTime], text: str) -> AddTimeResult:
    """Add the typed time (on), or say why not: not a time, off the 5-minute step, a sixth
    time, or one already there."""
    at = parse_clock_time(text)
    current = tuple(times)
    if at is None:
        return AddTimeResult(current, TimeRefusal.NOT_A_TIME)
    if at.minute % STEP_MINUTES:
        return AddTimeResult(current, TimeRefusal.NOT_A_STEP)
    if any(existing.at == at for existing in current):
        return AddTimeResult(current, TimeRefusal.ALREADY_THERE)
    if len(current) >= MAX_REMINDER_TIMES:
        return AddTimeResult(current, TimeRefusal.TOO_MANY)
    return AddTimeResult(_sorted([*current, ReminderTime(at)]), None)


def toggle_reminder_time(times: Sequence[ReminderTime], at: time) -> tuple[ReminderTime, ...]:
    """The times with `at` switched on or off (unchanged when there is no such time)."""
    return tuple(
        replace(item, enabled=not item.enabled) if item.at == at else item for item in times
    )


def remove_reminder_time(times: Sequence[ReminderTime], at: time) -> tuple[ReminderTime, ...]:
    return tuple(item for item in times if item.at != at)


def times_to_json(times: Iterable[ReminderTime]) -> list[dict[str, object]]:
    return [{"time": item.label, "enabled": item.enabled} for item in _sorted(times)]


def times_from_json(value: object) -> tuple[ReminderTime, ...] | None:
    """Times from their stored form; None for NULL or anything malformed (use the defaults)."""
    if not isinstance(value, list):
        return None
    times = []
    for item in value:
        if not isinstance(item, dict):
            return None
        at = parse_clock_time(item.get("time", ""))
        if at is None:
            return None
        times.append(ReminderTime(at, bool(item.get("enabled", True))))
    return _sorted(times)


def occurrence_instant(day: date, at: time, zone: tzinfo) -> datetime:
    """The UTC instant local time `at` on `day` happens in `zone`: the first occurrence when it
    is ambiguous, the transition instant when it does not exist."""
    naive = datetime.combine(day, at.replace(tzinfo=None))
    earliest_reading = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if earliest_reading.astimezone(zone).replace(tzinfo=None) == naive:
        return earliest_reading
    # A gap: fold=1 reads the wall time with the offset after the jump, which lands before it;
    # fold=0 with the offset before, which lands after it. The jump lies between.
    before = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    after = earliest_reading
    after_offset = after.astimezone(zone).utcoffset()
    low, high = int(before.timestamp()), int(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == after_offset:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def next_reminder_at(times: Sequence[ReminderTime], zone: str, after: datetime) -> datetime | None:
    """The first enabled occurrence strictly after `after`, or None when no time is on: when
    the next reminder is due, and the deadline of the current one (SPEC §6.4)."""
    after = _as_utc(after, "after")
    local_zone = _zone(zone)
    today = after.astimezone(local_zone).date()
    upcoming = (
        due.fires_at
        for due in _occurrences(
            times, local_zone, today - timedelta(days=1), today + timedelta(days=2)
        )
        if due.fires_at > after
    )
    return min(upcoming, default=None)


def latest_due_reminder(
    times: Sequence[ReminderTime],
    zone: str,
    *,
    last_reminder_sent_at: datetime | None,
    since: datetime,
    now: datetime,
) -> DueReminder | None:
    """The latest enabled occurrence with `since <= fires_at <= now` and after the last
    reminder, or None: what a reminder tick should send now."""
    now = _as_utc(now, "now")
    since = _as_utc(since, "since")
    last = None if last_reminder_sent_at is None else _as_utc(last_reminder_sent_at, "last")
    local_zone = _zone(zone)
    today = now.astimezone(local_zone).date()
    passed = [
        due
        for due in _occurrences(times, local_zone, today - timedelta(days=LOOKBACK_DAYS), today)
        if due.fires_at <= now
    ]
    if not passed:
        return None
    latest = max(passed, key=lambda due: due.fires_at)
    if latest.fires_at < since or (last is not None and latest.fires_at <= last):
        return None
    return latest


def _occurrences(
    times: Sequence[ReminderTime], zone: tzinfo, first_day: date, last_day: date
) -> tuple[DueReminder, ...]:
    """Every enabled time on every local date from `first_day` to `last_day`, one per instant."""
    enabled = tuple(sorted({item.at.replace(tzinfo=None) for item in times if item.enabled}))
    return _occurrences_of(enabled, zone, first_day, last_day)


@lru_cache(maxsize=1024)
def _occurrences_of(
    enabled: tuple[time, ...], zone: tzinfo, first_day: date, last_day: date
) -> tuple[DueReminder, ...]:
    """Remembered: a reminder wave asks the same few for every learner."""
    found: list[DueReminder] = []
    seen: set[datetime] = set()
    day = first_day
    while day <= last_day:
        for at in enabled:
            fires_at = occurrence_instant(day, at, zone)
            if fires_at not in seen:
                seen.add(fires_at)
                found.append(DueReminder(at, day, fires_at))
        day += timedelta(days=1)
    return tuple(found)


def _sorted(times: Iterable[ReminderTime]) -> tuple[ReminderTime, ...]:
    return tuple(sorted(times, key=lambda item: item.at))


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def _as_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)
