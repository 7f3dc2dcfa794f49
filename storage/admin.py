"""What /admin shows (SPEC §16): user counts, grades today, inbox and outbox depth.

"Active" means `users.last_seen_at` (written to the hour) is in the window; days are UTC.
Grades today are rows of the review log since UTC midnight (written once the FSRS wiring
records every grade)."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage import inbox
from storage.models import Outbox, ReviewLog, User
from wordbot.domain.operating import AdminCounts

__all__ = ["admin_counts", "outbox_depth"]


def outbox_depth() -> int:
    return Outbox.select().count()


def admin_counts(now: datetime, version: str) -> AdminCounts:
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return AdminCounts(
        users=User.select().count(),
        active_today=User.select().where(User.last_seen_at >= midnight).count(),
        active_week=User.select().where(User.last_seen_at >= midnight - timedelta(days=6)).count(),
        grades_today=ReviewLog.select().where(ReviewLog.reviewed_at >= midnight).count(),
        inbox=inbox.pending_count(),
        outbox=outbox_depth(),
        version=version,
    )
