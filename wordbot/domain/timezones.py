"""IANA time zones (SPEC §15): find a zone by name or by the local time a learner types.

Pure: the zone data comes from `zoneinfo` (backed by the `tzdata` package on any host) and
`now` is an argument; nothing reads the clock.

Decisions where the SPEC is silent:
* A name query matches case-insensitively the full name ("europe/berlin") or its last part
  ("berlin"); spaces count as underscores ("new york" is America/New_York). When nothing
  matches exactly, names with a part starting with the query are offered ("kolk"), at most
  MAX_MATCHES; a query shorter than 3 characters gets no prefix matches.
* "Factory", "localtime" and "posixrules" are not zones a learner means and never match.
* A typed local time matches a zone when it equals the zone's current local time within one
  minute either way (the message may be handled a moment after it was typed). Offsets
  between +12:00 and +14:00 and between −12:00 and −10:00 can show the same clock time, so
  both sides are offered. The answer prefers WELL_KNOWN_ZONES; only when none of them has
  the offset are other zones (and finally `Etc/GMT∓N`) offered, at most MAX_MATCHES.
* Buttons cannot carry a zone name (callback data parts are at most 16 characters of
  [A-Za-z0-9_-]), so `zone_key` gives a short stable hash of the name and `zone_for_key`
  turns it back. The hash does not depend on the tzdata version.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = [
    "COMMON_ZONES",
    "MAX_MATCHES",
    "WELL_KNOWN_ZONES",
    "all_zones",
    "find_zones",
    "is_zone",
    "offset_zone_name",
    "parse_local_time",
    "zone_for_key",
    "zone_key",
    "zones_at_local_time",
]

MAX_MATCHES = 8

COMMON_ZONES: tuple[str, ...] = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "UTC",
)

# One or two zones a learner recognises per offset, roughly west to east.
WELL_KNOWN_ZONES: tuple[str, ...] = (
    "Pacific/Pago_Pago",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Phoenix",
    "America/Chicago",
    "America/Mexico_City",
    "America/New_York",
    "America/Toronto",
    "America/Halifax",
    "America/Caracas",
    "America/St_Johns",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "Atlantic/South_Georgia",
    "Atlantic/Azores",
    "UTC",
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Berlin",
    "Europe/Paris",
    "Africa/Lagos",
    "Europe/Kyiv",
    "Europe/Athens",
    "Africa/Cairo",
    "Europe/Moscow",
    "Europe/Istanbul",
    "Asia/Tehran",
    "Asia/Dubai",
    "Europe/Samara",
    "Asia/Kabul",
    "Asia/Tashkent",
    "Asia/Yekaterinburg",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Almaty",
    "Asia/Dhaka",
    "Asia/Yangon",
    "Asia/Bangkok",
    "Asia/Novosibirsk",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Australia/Eucla",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Australia/Darwin",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Asia/Vladivostok",
    "Australia/Lord_Howe",
    "Asia/Magadan",
    "Pacific/Auckland",
    "Asia/Kamchatka",
    "Pacific/Chatham",
    "Pacific/Apia",
    "Pacific/Tongatapu",
    "Pacific/Kiritimati",
)

_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})
_LOCAL_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")
_MINUTES_PER_DAY = 24 * 60
_EARLIEST_OFFSET = -12 * 60
_LATEST_OFFSET = 14 * 60
_MIN_PREFIX = 3


@cache
def all_zones() -> tuple[str, ...]:
    """Every IANA zone name a learner may choose, sorted."""
    return tuple(sorted(available_timezones() - _NOT_ZONES))


def is_zone(name: str) -> bool:
    """True for a zone name `zoneinfo` can load (exact spelling)."""
    return name in _zone_set()


def find_zones(query: str) -> list[str]:
    """Zones whose full name or last part is `query` (case-insensitive); else prefix matches."""
    wanted = _normalised(query)
    if not wanted:
        return []
    exact = [zone for zone in all_zones() if wanted in (zone.lower(), _last_part(zone))]
    if exact:
        return _well_known_first(exact)[:MAX_MATCHES]
    if len(wanted) < _MIN_PREFIX:
        return []
    prefixed = [
        zone
        for zone in all_zones()
        if zone.lower().startswith(wanted)
        or any(part.startswith(wanted) for part in zone.lower().split("/"))
    ]
    return _well_known_first(prefixed)[:MAX_MATCHES]


def parse_local_time(text: str) -> tuple[int, int] | None:
    """(hour, minute) of a typed "14:35" (or "14.35", "9:05"); None if it is not a clock time."""
    match = _LOCAL_TIME.fullmatch(text.strip())
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def zones_at_local_time(typed: str, now: datetime) -> list[str]:
    """Zones whose local time at `now` is the typed "HH:MM" (±1 minute), well-known ones first."""
    parsed = parse_local_time(typed)
    if parsed is None:
        return []
    now = _as_utc(now)
    typed_minutes = parsed[0] * 60 + parsed[1]
    utc_minutes = now.hour * 60 + now.minute
    offsets = _candidate_offsets(typed_minutes - utc_minutes)
    matching = [zone for zone in WELL_KNOWN_ZONES if _offset_minutes(zone, now) in offsets]
    if not matching:
        matching = [
            zone
            for zone in all_zones()
            if "/" in zone and not zone.startswith("Etc/") and _offset_minutes(zone, now) in offsets
        ]
    if not matching:
        matching = [
            offset_zone_name(offset // 60)
            for offset in sorted(offsets)
            if offset % 60 == 0 and -12 <= offset // 60 <= 14
        ]
    return matching[:MAX_MATCHES]


def offset_zone_name(hours: int) -> str:
    """The fixed-offset zone of a whole-hour UTC offset: +3 → "Etc/GMT-3" (POSIX reverses the
    sign), −5 → "Etc/GMT+5", 0 → "UTC". ValueError outside −12…+14."""
    if not -12 <= hours <= 14:
        raise ValueError(f"a UTC offset must be within −12…+14 hours, got {hours}")
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{-hours:+d}"


def zone_key(zone: str) -> str:
    """A short, stable, callback-safe key of a zone name (10 hex characters)."""
    return hashlib.blake2s(zone.encode("utf-8"), digest_size=5).hexdigest()


def zone_for_key(key: str) -> str | None:
    """The zone whose `zone_key` is `key`, or None."""
    return _zones_by_key().get(key)


@cache
def _zone_set() -> frozenset[str]:
    return frozenset(all_zones())


@cache
def _zones_by_key() -> dict[str, str]:
    return {zone_key(zone): zone for zone in all_zones()}


def _normalised(query: str) -> str:
    return "_".join(query.strip().lower().split())


def _last_part(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].lower()


def _well_known_first(zones: Iterable[str]) -> list[str]:
    rank = {zone: index for index, zone in enumerate(WELL_KNOWN_ZONES)}
    return sorted(zones, key=lambda zone: (rank.get(zone, len(rank)), zone))


def _candidate_offsets(difference: int) -> set[int]:
    """The UTC offsets (minutes) that turn the UTC clock into the typed one, ±1 minute."""
    offsets = set()
    for slack in (-1, 0, 1):
        base = (difference + slack) % _MINUTES_PER_DAY
        for offset in (base, base - _MINUTES_PER_DAY):
            if _EARLIEST_OFFSET <= offset <= _LATEST_OFFSET:
                offsets.add(offset)
    return offsets


def _offset_minutes(zone: str, now: datetime) -> int | None:
    try:
        offset = now.astimezone(ZoneInfo(zone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return None if offset is None else offset // timedelta(minutes=1)


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)
