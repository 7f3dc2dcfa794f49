"""The grade decision under the learner's scheduler (SPEC §12) as tables: FSRS and SM-2 grades,
the review_log row each grade writes, the leech message, labelled grade buttons."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.unit.test_decide import (
    NOW,
    USER,
    callback,
    learner,
    moment,
    press,
    session,
)
from wordbot.decide.training import (
    decide_grade,
    owed_training_prompt,
    scheduler_config,
)
from wordbot.decide.transition import AddReview, SaveCard, Snapshot
from wordbot.domain.fsrs_schedule import (
    DEFAULT_PARAMETERS,
    SchedulerConfig,
    SchedulerKind,
    fuzz_for,
    parse_parameters,
    preview_intervals,
    schedule_grade,
)
from wordbot.domain.new_cards import learner_zone, user_day
from wordbot.domain.srs import CardSchedule, CardState, FsrsMemory, FsrsState, Grade, grade_card
from wordbot.domain.training import Card
from wordbot.effects import SendText
from wordbot.rendering.training import grade_button_label, leech_suspended

PERSONAL = (*DEFAULT_PARAMETERS[:8], round(DEFAULT_PARAMETERS[8] * 1.2, 6), *DEFAULT_PARAMETERS[9:])
REVIEW_CARD = CardSchedule(
    state=CardState.REVIEW,
    due_at=NOW - timedelta(days=1),
    last_reviewed_at=NOW - timedelta(days=11),
    interval_days=10,
    ease=2.5,
    reps=4,
    lapses=0,
    fsrs=FsrsMemory(FsrsState.REVIEW, None, 10.0, 5.0, NOW - timedelta(days=1)),
)


def cards(schedule: CardSchedule) -> dict[int, Card]:
    return {
        n: Card(n, f"word{n}", f"slovo{n}", schedule if n == 1 else CardSchedule())
        for n in (1, 2, 3)
    }


def grade(learner_changes, schedule, pressed):
    snapshot = Snapshot(learner(**learner_changes), session(), None, cards(schedule))
    data = callback("tr", pressed.value, "cur")
    return decide_grade(snapshot, press(f"tr:{pressed.value}:cur"), data, moment())


def writes_of(transition, kind):
    return [w for w in transition.writes if isinstance(w, kind)]


@pytest.mark.parametrize("pressed", list(Grade))
@pytest.mark.parametrize(
    ("learner_changes", "schedule"),
    [
        ({}, CardSchedule()),
        ({}, REVIEW_CARD),
        ({"desired_retention": 0.8}, REVIEW_CARD),
        ({"fsrs_parameters": PERSONAL}, REVIEW_CARD),
        ({"scheduler": "sm2"}, CardSchedule()),
        ({"scheduler": "sm2"}, REVIEW_CARD),
    ],
    ids=["fsrs-new", "fsrs-review", "fsrs-0.80", "fsrs-personal", "sm2-new", "sm2-review"],
)
def test_a_grade_goes_through_the_learners_scheduler_and_logs_one_row(
    learner_changes, schedule, pressed
):
    t = grade(learner_changes, schedule, pressed)
    config = scheduler_config(learner(**learner_changes))
    expected = schedule_grade(schedule, pressed, NOW, config, fuzz_for(1, schedule))
    (saved,) = writes_of(t, SaveCard)
    assert saved == SaveCard(1, expected)
    if config.kind is SchedulerKind.SM2:
        assert saved.schedule == grade_card(schedule, pressed, NOW)  # SM-2 exactly as before
    (logged,) = writes_of(t, AddReview)
    entry = logged.entry
    assert (entry.user_id, entry.pair_id, entry.reviewed_at) == (USER, 1, NOW)
    assert entry.rating == {"again": 1, "hard": 2, "good": 3, "easy": 4}[pressed.value]
    assert entry.scheduler == config.kind.value
    assert entry.state_before == ("new" if schedule.state is CardState.NEW else "review")
    assert entry.scheduled_days == pytest.approx((expected.due_at - NOW) / timedelta(days=1))
    assert entry.prompt_open_ms == 60_000  # the session last moved a minute ago


def test_retention_and_personal_parameters_change_the_interval():
    good = {
        name: writes_of(grade(changes, REVIEW_CARD, Grade.GOOD), SaveCard)[0].schedule.due_at
        for name, changes in {
            "defaults": {},
            "low": {"desired_retention": 0.8},
            "personal": {"fsrs_parameters": PERSONAL},
        }.items()
    }
    assert good["low"] > good["defaults"]
    assert good["personal"] > good["defaults"]  # a faster-growing memory waits longer
    assert parse_parameters(list(PERSONAL)) == PERSONAL


@pytest.mark.parametrize(
    ("lapses", "pressed", "suspended", "told"),
    [
        (6, Grade.AGAIN, False, False),
        (7, Grade.AGAIN, True, True),  # the 8th lapse
        (7, Grade.GOOD, False, False),
        (8, Grade.AGAIN, False, False),
        (11, Grade.AGAIN, True, True),  # the 12th, after being brought back
    ],
)
@pytest.mark.parametrize("scheduler", ["fsrs", "sm2"])
def test_the_8th_lapse_suspends_the_card_and_tells_the_user_once(
    scheduler, lapses, pressed, suspended, told
):
    t = grade({"scheduler": scheduler}, replace(REVIEW_CARD, lapses=lapses), pressed)
    (saved,) = writes_of(t, SaveCard)
    assert saved.schedule.suspended is suspended
    leech = [e for e in t.owed if isinstance(e, SendText) and "slipping" in e.text]
    assert leech == ([SendText(USER, leech_suspended("word1"))] if told else [])


def test_the_leech_message_escapes_the_word():
    snapshot = Snapshot(
        learner(),
        session(),
        None,
        {1: Card(1, "<b>x</b>", "y", replace(REVIEW_CARD, lapses=7))},
    )
    t = decide_grade(snapshot, press("tr:again:cur"), callback("tr", "again", "cur"), moment())
    (leech,) = [e for e in t.owed if isinstance(e, SendText)]
    assert "&lt;b&gt;x&lt;/b&gt;" in leech.text and "<b>x</b>" not in leech.text


def test_a_stale_press_writes_no_review():
    snapshot = Snapshot(learner(), session(), None, cards(CardSchedule()))
    t = decide_grade(snapshot, press("tr:good:old"), callback("tr", "good", "old"), moment())
    assert writes_of(t, AddReview) == [] and writes_of(t, SaveCard) == []


def test_a_clock_that_went_backwards_logs_no_prompt_time():
    snapshot = Snapshot(
        learner(), session(last_activity_at=NOW + timedelta(seconds=5)), None, cards(CardSchedule())
    )
    t = decide_grade(snapshot, press("tr:good:cur"), callback("tr", "good", "cur"), moment())
    assert writes_of(t, AddReview)[0].entry.prompt_open_ms is None


@pytest.mark.parametrize(
    ("config", "schedule", "labels"),
    [
        (SchedulerConfig(), CardSchedule(), ["Again · 1m", "Hard · 6m", "Good · 10m", None]),
        (
            SchedulerConfig(kind=SchedulerKind.SM2),
            CardSchedule(),
            ["Again · 10m", "Hard · 10m", "Good · 1d", "Easy · 4d"],
        ),
        (
            SchedulerConfig(kind=SchedulerKind.SM2),
            REVIEW_CARD,
            ["Again · 10m", "Hard · 12d", "Good · 25d", "Easy · 1.1mo"],
        ),
    ],
    ids=["fsrs-new", "sm2-new", "sm2-review"],
)
def test_grade_buttons_show_the_interval_each_grade_gives(config, schedule, labels):
    card = Card(1, "word1", "slovo1", schedule)
    prompt = owed_training_prompt(session(current_message_id=None), card, config, NOW)
    shown = [button.text for button in prompt.message.keyboard[0]]
    intervals = preview_intervals(schedule, NOW, config, fuzz_for(1, schedule))
    assert shown == [grade_button_label(g, intervals[g]) for g in Grade]
    assert [s for s, want in zip(shown, labels, strict=True) if want] == [w for w in labels if w]
    assert [b.data for b in prompt.message.keyboard[0]] == [f"tr:{g.value}:cur" for g in Grade]


def test_the_label_matches_what_the_grade_then_does():
    card = Card(1, "word1", "slovo1", REVIEW_CARD)
    config = SchedulerConfig()
    prompt = owed_training_prompt(session(current_message_id=None), card, config, NOW)
    good = prompt.message.keyboard[0][2].text
    t = grade({}, REVIEW_CARD, Grade.GOOD)
    (saved,) = writes_of(t, SaveCard)
    assert good == grade_button_label(Grade.GOOD, saved.schedule.due_at - NOW)


def test_without_the_card_the_buttons_are_plain_and_snooze_stays():
    overdue = session(current_message_id=None, kind=session().kind.OVERDUE)
    plain = owed_training_prompt(overdue)
    assert [b.text for b in plain.message.keyboard[0]] == ["Again", "Hard", "Good", "Easy"]
    labelled = owed_training_prompt(
        overdue, Card(1, "a", "b", CardSchedule()), SchedulerConfig(), NOW
    )
    assert labelled.message.keyboard[1] == plain.message.keyboard[1]  # snooze row


def test_the_learners_day_starts_at_their_local_midnight():
    east = learner(timezone_offset_hours=3)
    start, end = user_day(NOW.replace(hour=22), learner_zone(east))  # 01:00 next day locally
    assert start == NOW.replace(hour=21) and end - start == timedelta(days=1)
