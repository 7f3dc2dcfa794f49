"""Grade cost (issue 12): the CPU an FSRS grade's pure decision costs against an SM-2 grade's.

`python -m wordbot.benchmarks.grade_cost`: times the bot's own `decide_grade`
(wordbot.decide.training: the schedule, the review_log row, the next prompt with its four
labelled grade buttons) for one press, under SM-2, FSRS-6 with the defaults and FSRS-6 with
personal parameters, on the same mix of cards (new, learning, review, relearning) and grades.
Also the scheduling step alone (`wordbot.domain.fsrs_schedule.decide_grade`). CPU time
(`time.process_time_ns`), the schedulers interleaved round by round so a shared machine's load
falls on all of them alike; the figures are medians over rounds. Prints JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from wordbot.callback_data import CallbackData
from wordbot.decide import training as training_rules
from wordbot.decide.transition import Moment, Snapshot
from wordbot.domain import fsrs_schedule
from wordbot.domain.fsrs_schedule import DEFAULT_PARAMETERS, SchedulerKind
from wordbot.domain.learner import Learner
from wordbot.domain.srs import CardSchedule, CardState, FsrsMemory, FsrsState, Grade
from wordbot.domain.training import Card, SessionKind, TrainingSession
from wordbot.transport.updates import ButtonPress

__all__ = ["main", "measure"]

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
USER = 7
TARGET_RATIO = 1.10
PERSONAL = tuple(  # a learner's own weights: faster first stabilities, steeper growth
    round(w * 1.3, 4) if i in (0, 1, 2, 3, 8) else w for i, w in enumerate(DEFAULT_PARAMETERS)
)
SCHEDULERS = {
    "sm2": {"scheduler": "sm2"},
    "fsrs-default": {"scheduler": "fsrs"},
    "fsrs-personal": {"scheduler": "fsrs", "fsrs_parameters": PERSONAL},
}
_GRADES = (Grade.GOOD, Grade.GOOD, Grade.AGAIN, Grade.HARD, Grade.EASY, Grade.GOOD)


def _cards() -> list[CardSchedule]:
    """A mix of the states a grade meets: new, learning, review, relearning."""
    day = timedelta(days=1)
    return [
        CardSchedule(),
        CardSchedule(
            state=CardState.LEARNING,
            due_at=NOW - timedelta(minutes=2),
            last_reviewed_at=NOW - timedelta(minutes=12),
            step=1,
            reps=1,
            fsrs=FsrsMemory(FsrsState.LEARNING, 1, 2.3, 5.1, NOW - timedelta(minutes=2)),
        ),
        CardSchedule(
            state=CardState.REVIEW,
            due_at=NOW - day,
            last_reviewed_at=NOW - 11 * day,
            interval_days=10,
            ease=2.5,
            reps=4,
            fsrs=FsrsMemory(FsrsState.REVIEW, None, 10.0, 5.0, NOW - day),
        ),
        CardSchedule(
            state=CardState.REVIEW,
            due_at=NOW - 3 * day,
            last_reviewed_at=NOW - 60 * day,
            interval_days=57,
            ease=2.1,
            reps=9,
            lapses=2,
            fsrs=FsrsMemory(FsrsState.REVIEW, None, 48.0, 7.2, NOW - 3 * day),
        ),
        CardSchedule(
            state=CardState.LEARNING,  # SM-2 relearns on its learning steps
            due_at=NOW - timedelta(minutes=1),
            last_reviewed_at=NOW - timedelta(minutes=11),
            interval_days=1,
            ease=2.3,
            reps=6,
            lapses=1,
            fsrs=FsrsMemory(FsrsState.RELEARNING, 0, 3.1, 6.4, NOW - timedelta(minutes=1)),
        ),
    ]


def _learner(**changes) -> Learner:
    return Learner(
        user_id=USER,
        chat_id=USER,
        cards_per_session=5,
        reminder_morning=True,
        reminder_afternoon=True,
        reminder_evening=True,
        timezone_offset_hours=0,
        reminders_paused=False,
        missed_reminders=0,
        last_reminder_sent_at=None,
        pending_input=None,
        pending_input_until=None,
        confirm_token=None,
        confirm_message_id=None,
        created_at=NOW - timedelta(days=30),
        **changes,
    )


def _press_jobs(changes: dict) -> list[Callable[[], object]]:
    """One press of each (card, grade): the whole pure decision of a grade."""
    learner = _learner(**changes)
    session = TrainingSession(
        chat_id=USER,
        user_id=USER,
        pair_ids=(1, 2),
        current_index=0,
        current_token="cur",
        current_message_id=100,
        current_prompt_text="word1 → ?",
        kind=SessionKind.REVIEW,
        reviewed_count=0,
        last_activity_at=NOW - timedelta(seconds=8),
        expires_at=NOW + timedelta(days=1),
        created_at=NOW - timedelta(minutes=5),
    )
    tokens = itertools.count()
    moment = Moment(NOW, random.Random(1), lambda: f"t{next(tokens)}")
    jobs = []
    for schedule, grade in itertools.product(_cards(), _GRADES):
        cards = {1: Card(1, "house", "casa", schedule), 2: Card(2, "dog", "perro", CardSchedule())}
        snapshot = Snapshot(learner, session, None, cards)
        press = ButtonPress(1, USER, USER, "private", "q", 100, f"tr:{grade.value}:cur")
        data = CallbackData("tr", grade.value, "cur")
        jobs.append(
            lambda s=snapshot, p=press, d=data: training_rules.decide_grade(s, p, d, moment)
        )
    return jobs


def _schedule_jobs(changes: dict) -> list[Callable[[], object]]:
    """The scheduling step alone: the card's next schedule and its log entry."""
    config = training_rules.scheduler_config(_learner(**changes))
    return [
        lambda c=schedule, g=grade: fsrs_schedule.decide_grade(
            c, g, NOW, config, user_id=USER, pair_id=1, fuzz=0.5
        )
        for schedule, grade in itertools.product(_cards(), _GRADES)
    ]


def _round(jobs: list[Callable[[], object]], repeat: int) -> float:
    """CPU µs per job over `repeat` passes of `jobs`."""
    start = time.process_time_ns()
    for _ in range(repeat):
        for job in jobs:
            job()
    return (time.process_time_ns() - start) / 1000 / (repeat * len(jobs))


def measure(rounds: int = 30, repeat: int = 40) -> dict:
    """Median CPU µs per grade for each scheduler, and FSRS's ratios to SM-2."""
    report: dict = {"rounds": rounds, "grades_per_round": repeat * 30, "target_ratio": TARGET_RATIO}
    for layer, make in (("decide", _press_jobs), ("schedule_only", _schedule_jobs)):
        jobs = {name: make(changes) for name, changes in SCHEDULERS.items()}
        for name in jobs:  # warm up (imports, caches)
            _round(jobs[name], 2)
        samples: dict[str, list[float]] = {name: [] for name in jobs}
        for index in range(rounds):
            order = list(jobs) if index % 2 == 0 else list(reversed(jobs))
            for name in order:
                samples[name].append(_round(jobs[name], repeat))
        medians = {name: statistics.median(values) for name, values in samples.items()}
        report[layer] = {
            "us_per_grade": {name: round(value, 1) for name, value in medians.items()},
            "ratio_to_sm2": {
                name: round(medians[name] / medians["sm2"], 3) for name in medians if name != "sm2"
            },
        }
    worst = max(report["decide"]["ratio_to_sm2"].values())
    report["within_target"] = worst <= TARGET_RATIO
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=40, help="passes over the 30 grades a round")
    args = parser.parse_args(argv)
    assert SchedulerKind.SM2.value == SCHEDULERS["sm2"]["scheduler"]
    json.dump(measure(args.rounds, args.repeat), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
