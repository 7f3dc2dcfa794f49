"""Dates and times as a learner reads them: in their zone, in their language (SPEC §15)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

from wordbot.i18n import supported_language

__all__ = ["format_clock_time", "format_local_date", "format_local_datetime"]


def format_local_datetime(moment: datetime, zone: str, lang: str = "en") -> str:
    """An instant in the learner's zone: "Jan 5, 2026, 20:00" / "5 янв. 2026 г., 20:00"."""
    local = _local(moment, zone)
    locale = supported_language(lang)
    return f"{format_skeleton('yMMMd', local, locale=locale)}, {format_skeleton('Hm', local, locale=locale)}"


def format_local_date(moment: datetime, zone: str, lang: str = "en") -> str:
    """The learner's local date of an instant (a due date): "Jan 5, 2026" / "5 янв. 2026 г."."""
    return format_skeleton("yMMMd", _local(moment, zone), locale=supported_language(lang))


def format_clock_time(at: time, lang: str = "en") -> str:
    """A reminder time as a 24-hour clock time: "08:05" in both languages."""
    return f"{at.hour:02d}:{at.minute:02d}"


def _local(moment: datetime, zone: str) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # storage hands back UTC
    return moment.astimezone(ZoneInfo(zone))
