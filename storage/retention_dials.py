"""The retention dial's cache (SPEC §12): one row per learner, written by the dial worker."""

from __future__ import annotations

import logging

from storage.models import RetentionDial as RetentionDialRow
from wordbot.domain.retention_dial import DialPoint, DialSituation, RetentionDial

__all__ = ["load_dial", "store_dial"]

log = logging.getLogger(__name__)


def load_dial(user_id: int) -> RetentionDial | None:
    """The learner's last dial; None when there is none, or it cannot be read (logged)."""
    row = RetentionDialRow.get_or_none(RetentionDialRow.user == user_id)
    if row is None:
        return None
    try:
        points = tuple(
            DialPoint(float(p["retention"]), float(p["reviews"]), float(p["recalled"]))
            for p in row.points
        )
    except (TypeError, KeyError, ValueError):
        log.warning("user %s: unreadable retention dial, working it out again", user_id)
        return None
    situation = DialSituation(
        fitted_at=row.fitted_at,
        fitted_on_reviews=row.fitted_on_reviews,
        deck_size=row.deck_size,
        new_cards_per_day=row.new_cards_per_day,
        retentions=tuple(point.retention for point in points),
        days=row.days,
    )
    return RetentionDial(situation, points, row.computed_at)


def store_dial(user_id: int, dial: RetentionDial) -> None:
    """Replace the learner's dial (one statement, on both backends)."""
    situation = dial.situation
    values = {
        RetentionDialRow.fitted_at: situation.fitted_at,
        RetentionDialRow.fitted_on_reviews: situation.fitted_on_reviews,
        RetentionDialRow.deck_size: situation.deck_size,
        RetentionDialRow.new_cards_per_day: situation.new_cards_per_day,
        RetentionDialRow.days: situation.days,
        RetentionDialRow.points: [
            {"retention": p.retention, "reviews": p.reviews, "recalled": p.recalled}
            for p in dial.points
        ],
        RetentionDialRow.computed_at: dial.computed_at,
    }
    RetentionDialRow.insert({RetentionDialRow.user: user_id, **values}).on_conflict(
        conflict_target=[RetentionDialRow.user], update=values
    ).execute()
