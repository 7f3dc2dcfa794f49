"""The bulk reminder decision (SPEC §4.2, §6.3–6.5, §12): facts read for a page of learners at
once, decided learner by learner with the actor's own `decide_reminder`. Pure, table-driven."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from wordbot.decide.reminders import (
    DueLearner,
    ReminderFacts,
    decide_due_learner,
    decide_reminder,
    reminder_facts,
)
from wordbot.decide.transition import (
    DeleteTraining,
    Moment,
    Rules,
    SaveTraining,
    Snapshot,
    UpdateLearner,
)
from wordbot.domain.learner import Learner
from wordbot.domain.new_cards import take_session_cards
from wordbot.domain.srs import CardSchedule, CardState
from wordbot.domain.training import Card, CardOutlook, SessionKind, TrainingSession
from wordbot.effects import EditPrompt, SendText

NOW = datetime(2026, 1, 5, 13, 0, tzinfo=UTC)  # the afternoon slot has just passed
RULES = Rules(pause_after_misses=3)


def learner(user_id: int = 1, **changes) -> Learner:
    base = Learner(
        user_id=user_id,
        chat_id=user_id,
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
        next_reminder_at=NOW - timedelta(minutes=1),
    )
    return replace(base, **changes)


def due_card(pair_id: int) -> Card:
    schedule = CardSchedule(state=CardState.REVIEW, due_at=NOW - timedelta(hours=pair_id))
    return Card(pair_id, f"w{pair_id}", f"v{pair_id}", schedule)


def new_card(pair_id: int) -> Card:
    return Card(pair_id, f"w{pair_id}", f"v{pair_id}", CardSchedule())


def outlook(due: int = 0, new: int = 0, introduced: int = 0, size: int = 5, **changes):
    due_cards = tuple(due_card(n) for n in range(1, min(due, size) + 1))
    new_cards = tuple(new_card(100 + n) for n in range(min(new, size)))
    base = CardOutlook(
        pairs=due + new,
        due=due,
        new=new,
        due_cards=due_cards,
        new_cards=new_cards,
        introduced_today=introduced,
    )
    return replace(base, **changes)


def old_session(user_id: int = 1, idle: timedelta = timedelta(hours=2), message_id=77):
    at = NOW - idle
    return TrainingSession(
        user_id,
        user_id,
        (1, 2),
        0,
        "old",
        message_id,
        "old prompt",
        SessionKind.REVIEW,
        0,
        at,
        at,
        at,
    )


def moment() -> Moment:
    tokens = (f"t{n}" for n in itertools.count())
    return Moment(NOW, random.Random(7), lambda: next(tokens))


@pytest.mark.parametrize(
    ("due", "fresh", "size", "room", "expected"),
    [
        ([1, 2, 3], [10, 11], 5, None, [1, 2, 3, 10, 11]),  # due first, then new
        ([1, 2, 3, 4, 5, 6], [10], 5, None, [1, 2, 3, 4, 5]),  # due fill the session
        ([1], [10, 11, 12], 5, 1, [1, 10]),  # the day's new-card room
        ([1], [10, 11], 5, 0, [1]),  # no new card left today
        ([], [10, 11], 5, -3, []),  # a negative room is none
        ([], [], 5, None, []),
        ([1], [1, 10], 3, None, [1, 10]),  # never one card twice
    ],
)
def test_take_session_cards(due, fresh, size, room, expected):
    assert take_session_cards(due, fresh, size, room) == expected


@pytest.mark.parametrize(
    ("cards", "person", "facts"),
    [
        (outlook(due=3, new=4), learner(), (7, 3, 4, [1, 2, 3, 100, 101])),
        (outlook(due=9, new=4), learner(), (13, 9, 4, [1, 2, 3, 4, 5])),
        (outlook(new=8, introduced=18), learner(), (8, 0, 2, [100, 101])),  # 2 left today
        (outlook(new=8, introduced=20), learner(), (8, 0, 0, [])),  # none left: no session
        (outlook(due=1, new=8, introduced=25), learner(), (9, 1, 0, [1])),
        (outlook(new=8), learner(new_cards_per_day=3), (8, 0, 3, [100, 101, 102])),
        (outlook(), learner(), (0, 0, 0, [])),
    ],
)
def test_reminder_facts_from_cards_read_in_bulk(cards, person, facts):
    pairs, due, new, chosen = facts
    got = reminder_facts(person, cards)
    assert (got.pairs, got.due, got.new) == (pairs, due, new)
    assert [card.pair_id for card in got.candidates] == chosen


def writes_of(transition):
    return [type(write).__name__ for write in transition.writes]


def owed_of(transition):
    return [type(effect).__name__ for effect in transition.owed]


@pytest.mark.parametrize(
    ("name", "due", "writes", "owed", "kind"),
    [
        ("due", DueLearner(Snapshot(learner()), outlook(due=2, new=3)), ["SaveTraining", "UpdateLearner"], [], SessionKind.REMINDER),
        ("overdue", DueLearner(Snapshot(learner()), outlook(due=8)), ["SaveTraining", "UpdateLearner"], [], SessionKind.OVERDUE),
        ("paused", DueLearner(Snapshot(learner(reminders_paused=True)), outlook(due=2)), [], [], None),
        ("blocked", DueLearner(Snapshot(learner(inactive=True)), outlook(due=2)), [], [], None),
        ("no pairs", DueLearner(Snapshot(learner()), outlook()), ["UpdateLearner"], [], None),
        ("nothing due today", DueLearner(Snapshot(learner()), outlook(new=4, introduced=20)), ["UpdateLearner"], [], None),
        ("busy", DueLearner(Snapshot(learner(), old_session(idle=timedelta(minutes=3))), outlook(due=2)), [], [], None),
        ("expired", DueLearner(Snapshot(learner(), old_session()), outlook(due=2)), ["DeleteTraining", "SaveTraining", "UpdateLearner"], ["EditPrompt"], SessionKind.REMINDER),
        ("missed thrice", DueLearner(Snapshot(learner(missed_reminders=2, last_reminder_sent_at=NOW - timedelta(hours=5))), outlook(due=2)), ["UpdateLearner"], ["SendText"], None),
    ],
)  # fmt: skip
def test_a_page_of_learners_each_decided_as_their_actor_would(name, due, writes, owed, kind):
    decided = decide_due_learner(due, RULES, moment())
    assert writes_of(decided) == writes, name
    assert owed_of(decided) == owed, name
    saved = [w.session for w in decided.writes if isinstance(w, SaveTraining)]
    assert [s.kind for s in saved] == ([kind] if kind else []), name
    assert decided.prompt is None and decided.answer is None  # the drain sends the prompt
    facts = reminder_facts(due.snapshot.learner, due.outlook)
    assert decided == decide_reminder(due.snapshot, facts, RULES, moment())  # one rule


def test_the_learner_changes_of_a_reminder_and_of_a_pause():
    reminded = decide_due_learner(DueLearner(Snapshot(learner()), outlook(due=2)), RULES, moment())
    changes = next(w.changes for w in reminded.writes if isinstance(w, UpdateLearner))
    assert changes == {
        "last_reminder_sent_at": NOW,
        "next_reminder_at": datetime(2026, 1, 5, 20, 0, tzinfo=UTC),
    }
    session = next(w.session for w in reminded.writes if isinstance(w, SaveTraining))
    assert session.pair_ids == (1, 2) and session.current_message_id is None  # owed
    paused_learner = learner(missed_reminders=2, last_reminder_sent_at=NOW - timedelta(hours=5))
    paused = decide_due_learner(
        DueLearner(Snapshot(paused_learner), outlook(due=2)), RULES, moment()
    )
    changes = next(w.changes for w in paused.writes if isinstance(w, UpdateLearner))
    assert changes["reminders_paused"] is True and changes["missed_reminders"] == 3
    assert isinstance(paused.owed[0], SendText) and paused.owed[0].text.startswith(
        "Reminders paused"
    )


def test_an_expired_sessions_prompt_is_edited_only_if_it_was_sent():
    sent = decide_due_learner(
        DueLearner(Snapshot(learner(), old_session()), outlook(due=2)), RULES, moment()
    )
    assert isinstance(sent.owed[0], EditPrompt) and sent.owed[0].message_id == 77
    unsent_session = old_session(message_id=None)
    unsent = decide_due_learner(
        DueLearner(Snapshot(learner(), unsent_session), outlook(due=2)), RULES, moment()
    )
    assert unsent.owed == () and isinstance(unsent.writes[0], DeleteTraining)


def test_facts_are_plain_values_a_table_can_hold():
    assert reminder_facts(learner(), outlook()) == ReminderFacts(0, 0, 0, None, [])
