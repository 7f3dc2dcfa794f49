"""Undo of a grade (SPEC §13): what the latest grade changed, kept so it can be taken back.

Pure data. A grade writes its `UndoRecord` in its own transaction (the user's row, `undo`), so
a grade that is never undone costs no extra message or edit: the "↩ Undo" button rides on the
message the grade sends anyway (the next prompt, or "Well done…").

Decisions where the SPEC is silent:
* The record holds the card's whole schedule before the grade (SM-2 fields, FSRS memory and
  the suspended flag), so restoring it is exact whichever scheduler graded.
* It holds the session as it was (cards, place, count, kind, start) and the graded prompt's
  text and message, so an undo can reopen a session the grade finished.
* `next_token` is the session's token right after the grade (None when the grade finished
  it): the undo counts only while the session is still exactly there, so any later grade,
  resume into a new session, expiry or reminder session makes it stale.
* The undo button carries its own token (`token`), never the next prompt's: a grade press
  can never be read as an undo press or the other way round.
* The review_log row of the grade is found by (user, pair, reviewed_at = `graded_at`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from wordbot.domain.srs import CardSchedule, CardState, FsrsMemory, FsrsState, Grade
from wordbot.domain.training import SessionKind

__all__ = ["UNDO_WINDOW", "UndoRecord", "schedule_from_json", "schedule_to_json"]

UNDO_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class UndoRecord:
    token: str  # the "↩ Undo" button's
    pair_id: int
    grade: Grade
    graded_at: datetime
    previous: CardSchedule  # the card before the grade
    graded_message_id: int  # the prompt that was graded (its marker gets "(undone)")
    prompt_text: str  # that prompt's text before the grade
    pair_ids: tuple[int, ...]  # the session before the grade
    index: int
    kind: SessionKind
    reviewed_count: int
    session_created_at: datetime
    next_token: str | None  # the session's token after the grade; None: the grade finished it

    def is_fresh(self, now: datetime) -> bool:
        return now - self.graded_at <= UNDO_WINDOW

    def to_json(self) -> dict:
        return {
            "token": self.token,
            "pair_id": self.pair_id,
            "grade": self.grade.value,
            "graded_at": self.graded_at.isoformat(),
            "previous": schedule_to_json(self.previous),
            "graded_message_id": self.graded_message_id,
            "prompt_text": self.prompt_text,
            "pair_ids": list(self.pair_ids),
            "index": self.index,
            "kind": self.kind.value,
            "reviewed_count": self.reviewed_count,
            "session_created_at": self.session_created_at.isoformat(),
            "next_token": self.next_token,
        }

    @classmethod
    def from_json(cls, data: dict) -> UndoRecord:
        return cls(
            token=data["token"],
            pair_id=int(data["pair_id"]),
            grade=Grade(data["grade"]),
            graded_at=datetime.fromisoformat(data["graded_at"]),
            previous=schedule_from_json(data["previous"]),
            graded_message_id=int(data["graded_message_id"]),
            prompt_text=data["prompt_text"],
            pair_ids=tuple(int(pair_id) for pair_id in data["pair_ids"]),
            index=int(data["index"]),
            kind=SessionKind(data["kind"]),
            reviewed_count=int(data["reviewed_count"]),
            session_created_at=datetime.fromisoformat(data["session_created_at"]),
            next_token=data.get("next_token"),
        )


def schedule_to_json(schedule: CardSchedule) -> dict:
    memory = schedule.fsrs
    return {
        "state": schedule.state.value,
        "due_at": _time(schedule.due_at),
        "last_reviewed_at": _time(schedule.last_reviewed_at),
        "interval_days": schedule.interval_days,
        "ease": schedule.ease,
        "step": schedule.step,
        "reps": schedule.reps,
        "lapses": schedule.lapses,
        "suspended": schedule.suspended,
        "fsrs": None
        if memory is None
        else {
            "state": memory.state.value,
            "step": memory.step,
            "stability": memory.stability,
            "difficulty": memory.difficulty,
            "due_at": memory.due_at.isoformat(),
        },
    }


def schedule_from_json(data: dict) -> CardSchedule:
    memory = data.get("fsrs")
    return CardSchedule(
        state=CardState(data["state"]),
        due_at=_parse(data["due_at"]),
        last_reviewed_at=_parse(data["last_reviewed_at"]),
        interval_days=int(data["interval_days"]),
        ease=float(data["ease"]),
        step=int(data["step"]),
        reps=int(data["reps"]),
        lapses=int(data["lapses"]),
        suspended=bool(data.get("suspended", False)),
        fsrs=None
        if memory is None
        else FsrsMemory(
            state=FsrsState(memory["state"]),
            step=memory["step"],
            stability=memory["stability"],
            difficulty=memory["difficulty"],
            due_at=datetime.fromisoformat(memory["due_at"]),
        ),
    )


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)
