"""IANA zones: finding a zone by name or by the learner's local time (SPEC §15)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from wordbot.domain.timezones import (
    COMMON_ZONES,
    MAX_MATCHES,
    WELL_KNOWN_ZONES,
    all_zones,
    find_zones,
    is_zone,
    offset_zone_name,
    parse_local_time,
    zone_for_key,
    zone_key,
    zones_at_local_time,
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("  BERLIN ", "Europe/Berlin"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("kolkata", "Asia/Kolkata"),
        ("new york", "America/New_York"),
        ("new_york", "America/New_York"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
        ("utc", "UTC"),
        ("chatham", "Pacific/Chatham"),
    ],
)
def test_a_zone_is_found_by_its_full_name_or_last_part(query: str, expected: str) -> None:
    assert find_zones(query)[0] == expected


def test_a_prefix_finds_zones_when_nothing_matches_exactly() -> None:
    assert "Asia/Kolkata" in find_zones("kolk")


@pytest.mark.parametrize(
    "query", ["", "   ", "Atlantis", "<b>Berlin</b>", "be", "Factory", "localtime", "x" * 4000]
)
def test_unknown_or_hostile_queries_find_nothing(query: str) -> None:
    assert find_zones(query) == []


def test_a_broad_prefix_is_capped() -> None:
    assert len(find_zones("ame")) == MAX_MATCHES


@pytest.mark.parametrize(
    ("hours", "name"),
    [(3, "Etc/GMT-3"), (-5, "Etc/GMT+5"), (0, "UTC"), (14, "Etc/GMT-14"), (-12, "Etc/GMT+12")],
)
def test_an_offset_maps_to_the_etc_zone_with_the_reversed_sign(hours: int, name: str) -> None:
    assert offset_zone_name(hours) == name
    assert is_zone(name)
    offset = datetime(2026, 1, 5, tzinfo=UTC).astimezone(ZoneInfo(name)).utcoffset()
    assert offset.total_seconds() == hours * 3600


@pytest.mark.parametrize("hours", [-13, 15])
def test_an_offset_beyond_the_range_has_no_zone(hours: int) -> None:
    with pytest.raises(ValueError):
        offset_zone_name(hours)


@pytest.mark.parametrize(
    ("typed", "now", "expected"),
    [
        # 2026-01-05 11:34 UTC: Berlin is +1 in winter, Kolkata +5:30, Chatham +13:45 (DST).
        ("12:34", datetime(2026, 1, 5, 11, 34, 20, tzinfo=UTC), "Europe/Berlin"),
        ("17:04", datetime(2026, 1, 5, 11, 34, tzinfo=UTC), "Asia/Kolkata"),
        ("17:05", datetime(2026, 1, 5, 11, 34, 50, tzinfo=UTC), "Asia/Kolkata"),
        ("01:19", datetime(2026, 1, 5, 11, 34, tzinfo=UTC), "Pacific/Chatham"),
        # In July Berlin is +2 and London +1.
        ("13:34", datetime(2026, 7, 5, 11, 34, tzinfo=UTC), "Europe/Berlin"),
        ("12:34", datetime(2026, 7, 5, 11, 34, tzinfo=UTC), "Europe/London"),
        ("11:34", datetime(2026, 7, 5, 11, 34, tzinfo=UTC), "UTC"),
        ("6:34", datetime(2026, 1, 5, 11, 34, tzinfo=UTC), "America/New_York"),
    ],
)
def test_a_typed_local_time_offers_the_zones_at_that_offset(
    typed: str, now: datetime, expected: str
) -> None:
    zones = zones_at_local_time(typed, now)
    assert expected in zones
    assert len(zones) <= MAX_MATCHES
    for zone in zones:
        local = now.astimezone(ZoneInfo(zone))
        hour, minute = parse_local_time(typed)
        difference = (local.hour * 60 + local.minute - hour * 60 - minute) % 1440
        assert difference in (0, 1, 1439)


def test_a_typed_time_on_the_date_line_offers_both_sides() -> None:
    zones = zones_at_local_time("00:34", datetime(2026, 1, 5, 11, 34, tzinfo=UTC))
    assert "Pacific/Auckland" in zones  # +13 in January
    assert "Pacific/Pago_Pago" in zones  # −11


@pytest.mark.parametrize("typed", ["25:99", "24:00", "12:60", "noon", "", "<b>12:00</b>", "1234"])
def test_a_typed_text_that_is_no_clock_time_offers_nothing(typed: str) -> None:
    assert zones_at_local_time(typed, datetime(2026, 1, 5, 11, 34, tzinfo=UTC)) == []


def test_every_listed_zone_exists() -> None:
    for zone in (*COMMON_ZONES, *WELL_KNOWN_ZONES):
        assert is_zone(zone), zone


def test_zone_keys_are_callback_safe_unique_and_reversible() -> None:
    keys = {zone_key(zone) for zone in all_zones()}
    assert len(keys) == len(all_zones())
    assert (
        zone_for_key(zone_key("America/Argentina/Buenos_Aires")) == "America/Argentina/Buenos_Aires"
    )
    assert all(len(key) == 10 and key.isalnum() for key in keys)
    assert zone_for_key("0000000000") is None or zone_for_key("0000000000") in all_zones()
