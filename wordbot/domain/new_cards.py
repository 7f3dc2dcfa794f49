"""The daily limit of new cards (SPEC §4.2, §12): how many new cards a session may still take.

Decisions where the SPEC is silent:
* The user's day runs from local midnight to local midnight in the user's time zone (a
  `tzinfo`, e.g. a `zoneinfo.ZoneInfo` or a fixed offset); on a day with a DST change it is
  23 or 25 hours long.
* "Introduced" means a new card's first grade (review_log rows with `state_before = 'new'`
  in the day), so a card put back to new by Reset counts again when it is first graded again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo

from wordbot.domain.learner import Learner

__all__ = [
    "DEFAULT_NEW_CARDS_PER_DAY",
    "learner_zone",
    "new_cards_allowed",
    "take_session_cards",
    "user_day",
]

DEFAULT_NEW_CARDS_PER_DAY = 20


def user_day(now: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of the user's day holding `now` (aware), both in UTC."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got naive {now.isoformat()}")
    local_day = now.astimezone(zone).date()
    start = datetime.combine(local_day, time(), tzinfo=zone)
    end = datetime.combine(local_day + timedelta(days=1), time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def learner_zone(learner: Learner) -> tzinfo:
    """The zone whose midnight starts the learner's day: for now the whole-hour offset of
    /settings (SPEC §8); the one place to change when days follow the IANA zone (§15)."""
    return timezone(timedelta(hours=learner.timezone_offset_hours))


def new_cards_allowed(introduced_today: int, new_cards_per_day: int, wanted: int) -> int:
    """How many of `wanted` new cards a session may take when `introduced_today` were already
    introduced in the user's day (never negative)."""
    return max(0, min(wanted, new_cards_per_day - introduced_today))


def take_session_cards(
    due: Sequence[int], fresh: Sequence[int], size: int, new_room: int | None
) -> list[int]:
    """SPEC §4.2: the pair ids a session takes: due cards first (`due` oldest-due first), then
    new ones (`fresh` by new_rank, id), `size` in all; at most `new_room` new ones (None: no
    daily limit). One rule for the per-user query and the bulk reminder wave."""
    chosen = list(due[:size])
    wanted = size - len(chosen)
    if new_room is not None:
        wanted = min(wanted, max(0, new_room))
    if wanted > 0:
        taken = set(chosen)
        chosen.extend(pair_id for pair_id in fresh[:wanted] if pair_id not in taken)
    return chosen
