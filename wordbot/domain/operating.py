"""What /admin reports (SPEC §16), as plain data: storage fills it, rendering shows it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AdminCounts"]


@dataclass(frozen=True, slots=True)
class AdminCounts:
    users: int
    active_today: int  # seen since UTC midnight
    active_week: int  # seen since UTC midnight six days ago
    grades_today: int
    inbox: int
    outbox: int
    version: str
