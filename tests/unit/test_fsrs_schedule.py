"""FSRS-6 scheduling (SPEC §12): transitions against py-fsrs, fuzz, SM-2 fields, conversion,
leeches, previews and the review log entry a grade produces."""

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import fsrs
import fsrs_rs_python
import pytest

from wordbot.domain.fsrs_schedule import (
    DEFAULT_PARAMETERS,
    FSRS_LEARNING_STEPS,
    FSRS_RELEARNING_STEPS,
    SchedulerConfig,
    SchedulerKind,
    _fuzzed_days,
    decide_grade,
    fuzz_for,
    is_leech_lapse,
    memory_from_sm2,
    parse_parameters,
    preview_intervals,
    schedule_grade,
    to_fsrs,
    to_sm2,
)
from wordbot.domain.srs import (
    MAXIMUM_INTERVAL_DAYS,
    CardSchedule,
    CardState,
    FsrsMemory,
    FsrsState,
    Grade,
    grade_card,
)
from wordbot.rendering.training import grade_button_label

NOW = datetime(2025, 3, 1, 18, 0, tzinfo=UTC)
FSRS = SchedulerConfig()
SM2 = SchedulerConfig(kind=SchedulerKind.SM2)
RATING = {Grade.AGAIN: 1, Grade.HARD: 2, Grade.GOOD: 3, Grade.EASY: 4}
PY_STATE = {
    fsrs.State.Learning: FsrsState.LEARNING,
    fsrs.State.Review: FsrsState.REVIEW,
    fsrs.State.Relearning: FsrsState.RELEARNING,
}

SEQUENCES = [
    "good good good good",
    "easy good again good good",
    "again hard good hard good",
    "good good again again hard good easy",
    "hard hard easy hard hard hard again good",
]


def _grade_all(card, grades, config=FSRS, start=NOW):
    """Grade each card at its due time (or `start` first); yields (card, now) after each."""
    now = start
    for grade in grades:
        card = schedule_grade(card, grade, now, config)
        yield card, now
        now = card.due_at


@pytest.mark.parametrize("sequence", SEQUENCES)
def test_fsrs_grades_follow_py_fsrs_without_fuzz(sequence):
    grades = [Grade(word) for word in sequence.split()]
    reference = fsrs.Scheduler(
        learning_steps=FSRS_LEARNING_STEPS,
        relearning_steps=FSRS_RELEARNING_STEPS,
        maximum_interval=MAXIMUM_INTERVAL_DAYS,
        enable_fuzzing=False,
    )
    theirs = fsrs.Card(card_id=7, due=NOW)
    for (ours, now), grade in zip(_grade_all(CardSchedule(), grades), grades, strict=True):
        theirs, _ = reference.review_card(theirs, fsrs.Rating(RATING[grade]), now)
        assert ours.fsrs == FsrsMemory(
            PY_STATE[theirs.state], theirs.step, theirs.stability, theirs.difficulty, theirs.due
        )
        assert ours.due_at == theirs.due
        assert ours.last_reviewed_at == now


@pytest.mark.parametrize("days", [1, 2, 3, 5, 8, 15, 30, 100, 1000])
def test_own_fuzz_spans_exactly_py_fsrs_fuzz_range(days):
    reference = fsrs.Scheduler(enable_fuzzing=True)
    random.seed(4)
    draws = 400
    theirs = {
        reference._get_fuzzed_interval(interval=timedelta(days=days)).days for _ in range(draws)
    }
    ours = {_fuzzed_days(days, i / draws) for i in range(draws)}
    assert theirs <= ours  # every interval py-fsrs draws, ours can give
    assert ours == set(range(min(theirs), max(ours) + 1))
    assert max(ours) - max(theirs) <= 1  # a random sample may miss the top value


def _review_card():
    return CardSchedule(
        state=CardState.REVIEW,
        due_at=NOW,
        last_reviewed_at=NOW - timedelta(days=10),
        interval_days=10,
        ease=2.5,
        reps=3,
    )


def test_fuzz_comes_only_from_the_argument():
    card = to_fsrs(_review_card())
    first = schedule_grade(card, Grade.GOOD, NOW, FSRS, fuzz=0.25)
    assert schedule_grade(card, Grade.GOOD, NOW, FSRS, fuzz=0.25) == first
    assert schedule_grade(card, Grade.GOOD, NOW, FSRS, fuzz=0.0).due_at <= first.due_at
    assert schedule_grade(card, Grade.GOOD, NOW, FSRS, fuzz=0.99).due_at >= first.due_at
    assert fuzz_for(5, card) == fuzz_for(5, card)
    assert fuzz_for(5, card) != fuzz_for(6, card)
    assert 0.0 <= fuzz_for(5, card) < 1.0


def test_learning_intervals_are_never_fuzzed():
    for fuzz in (0.0, 0.5, 0.99):
        card = schedule_grade(CardSchedule(), Grade.GOOD, NOW, FSRS, fuzz)
        assert card.due_at == NOW + timedelta(minutes=10)


@pytest.mark.parametrize(
    "card",
    [
        CardSchedule(),
        replace(_review_card(), state=CardState.LEARNING, step=1),
        _review_card(),
    ],
    ids=["new", "learning", "review"],
)
@pytest.mark.parametrize("grade", list(Grade))
def test_sm2_users_are_scheduled_exactly_as_before(card, grade):
    assert schedule_grade(card, grade, NOW, SM2) == grade_card(card, grade, NOW)


@pytest.mark.parametrize(
    ("grades", "state", "reps", "lapses", "ease"),
    [
        ("good", CardState.LEARNING, 0, 0, 2.5),
        ("good good", CardState.REVIEW, 1, 0, 2.5),
        ("easy", CardState.REVIEW, 1, 0, 2.5),
        ("easy hard", CardState.REVIEW, 2, 0, 2.35),
        ("easy easy", CardState.REVIEW, 2, 0, 2.65),
        ("easy again", CardState.LEARNING, 1, 1, 2.3),
        ("easy again good", CardState.REVIEW, 2, 1, 2.3),
        ("again hard again", CardState.LEARNING, 0, 0, 2.5),
    ],
)
def test_fsrs_grades_keep_the_sm2_fields_as_sm2_counts_them(grades, state, reps, lapses, ease):
    *_, (card, _) = _grade_all(CardSchedule(), [Grade(word) for word in grades.split()])
    assert (card.state, card.reps, card.lapses, card.ease, card.step) == (
        state,
        reps,
        lapses,
        ease,
        0,
    )
    if state == CardState.REVIEW:
        assert card.due_at == card.last_reviewed_at + timedelta(days=card.interval_days)


def test_switching_back_to_sm2_continues_from_the_fsrs_schedule():
    *_, (card, _) = _grade_all(CardSchedule(), [Grade.GOOD, Grade.GOOD, Grade.GOOD])
    back = to_sm2(card)
    assert back == card
    later = back.due_at
    assert schedule_grade(back, Grade.GOOD, later, SM2) == grade_card(back, Grade.GOOD, later)
    assert grade_card(back, Grade.GOOD, later).interval_days == round(card.interval_days * 2.5)


def test_new_sm2_card_stays_new_in_fsrs():
    assert to_fsrs(CardSchedule()) == CardSchedule()


def test_learning_sm2_card_starts_fsrs_learning_at_its_due_time():
    learning = CardSchedule(
        state=CardState.LEARNING,
        due_at=NOW + timedelta(minutes=4),
        last_reviewed_at=NOW - timedelta(minutes=6),
        step=1,
        reps=0,
    )
    converted = to_fsrs(learning)
    assert converted.fsrs == FsrsMemory(FsrsState.LEARNING, 0, None, None, learning.due_at)
    assert replace(converted, fsrs=None) == learning


@pytest.mark.parametrize(
    ("ease", "interval"), [(2.5, 10), (1.3, 3), (2.8, 200), (2.0, 1), (3.1, 4000)]
)
def test_review_sm2_card_gets_the_fsrs_rs_memory_state_and_keeps_its_due_time(ease, interval):
    card = replace(_review_card(), ease=ease, interval_days=interval)
    converted = to_fsrs(card)
    expected = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS)).memory_state_from_sm2(
        ease, interval, 0.9
    )
    assert converted.fsrs.state == FsrsState.REVIEW
    assert converted.fsrs.stability == pytest.approx(expected.stability, rel=1e-5)
    assert converted.fsrs.difficulty == pytest.approx(expected.difficulty, rel=1e-5)
    assert converted.fsrs.due_at == card.due_at
    assert replace(converted, fsrs=None) == card


def test_converted_review_card_keeps_its_interval_order_of_magnitude():
    card = replace(_review_card(), interval_days=30, last_reviewed_at=NOW - timedelta(days=30))
    graded = schedule_grade(to_fsrs(card), Grade.GOOD, NOW, FSRS)
    assert 30 < graded.interval_days < 200


def test_fsrs_memory_survives_a_round_trip_through_sm2_without_sm2_grades():
    *_, (card, _) = _grade_all(CardSchedule(), [Grade.GOOD, Grade.GOOD, Grade.GOOD])
    assert to_fsrs(to_sm2(card)) == card


def test_an_sm2_grade_since_makes_the_memory_stale_and_it_is_converted_again():
    *_, (card, _) = _grade_all(CardSchedule(), [Grade.GOOD, Grade.GOOD, Grade.GOOD])
    sm2_graded = grade_card(card, Grade.GOOD, card.due_at)
    again = to_fsrs(sm2_graded)
    assert again.fsrs.stability == pytest.approx(
        memory_from_sm2(sm2_graded.ease, sm2_graded.interval_days)[0]
    )
    assert again.fsrs.due_at == sm2_graded.due_at


@pytest.mark.parametrize(
    ("lapses", "suspends"),
    [(1, False), (7, False), (8, True), (9, False), (11, False), (12, True), (16, True)],
)
def test_leech_lapses_are_the_eighth_and_every_fourth_after(lapses, suspends):
    assert is_leech_lapse(lapses) is suspends


@pytest.mark.parametrize("config", [FSRS, SM2], ids=["fsrs", "sm2"])
def test_eighth_lapse_suspends_the_card_and_says_so_once(config):
    card = to_fsrs(replace(_review_card(), lapses=7)) if config is FSRS else _review_card()
    card = replace(card, lapses=7)
    decision = decide_grade(card, Grade.AGAIN, NOW, config, user_id=1, pair_id=2, fuzz=None)
    assert decision.schedule.lapses == 8
    assert decision.schedule.suspended and decision.suspended_now
    relearned = decide_grade(
        decision.schedule,
        Grade.GOOD,
        decision.schedule.due_at,
        config,
        user_id=1,
        pair_id=2,
        fuzz=None,
    )
    assert relearned.schedule.suspended and not relearned.suspended_now


def test_seventh_lapse_does_not_suspend():
    card = replace(_review_card(), lapses=6)
    decision = decide_grade(card, Grade.AGAIN, NOW, SM2, user_id=1, pair_id=2, fuzz=None)
    assert not decision.schedule.suspended and not decision.suspended_now


def test_a_new_card_shows_the_spec_labels():
    labels = [
        grade_button_label(grade, interval)
        for grade, interval in preview_intervals(CardSchedule(), NOW, FSRS).items()
    ]
    assert labels == ["Again · 1m", "Hard · 6m", "Good · 10m", "Easy · 8d"]


def test_sm2_previews_follow_sm2():
    previews = preview_intervals(_review_card(), NOW, SM2)
    assert previews == {
        Grade.AGAIN: timedelta(minutes=10),
        Grade.HARD: timedelta(days=12),
        Grade.GOOD: timedelta(days=25),
        Grade.EASY: timedelta(days=33),
    }


@pytest.mark.parametrize("grade", list(Grade))
def test_preview_matches_the_grade_with_the_same_fuzz(grade):
    card = to_fsrs(_review_card())
    fuzz = fuzz_for(3, card)
    decision = decide_grade(card, grade, NOW, FSRS, user_id=1, pair_id=3, fuzz=fuzz)
    assert preview_intervals(card, NOW, FSRS, fuzz)[grade] == decision.schedule.due_at - NOW


def test_a_grade_produces_its_review_log_entry():
    card = to_fsrs(_review_card())
    decision = decide_grade(
        card, Grade.HARD, NOW, FSRS, user_id=11, pair_id=22, fuzz=None, prompt_open_ms=4200
    )
    review = decision.review
    assert (review.user_id, review.pair_id, review.rating, review.reviewed_at) == (11, 22, 2, NOW)
    assert (review.state_before, review.scheduler, review.prompt_open_ms) == (
        "review",
        "fsrs",
        4200,
    )
    assert review.elapsed_days == 10.0
    assert review.scheduled_days == decision.schedule.interval_days
    assert review.grade == Grade.HARD


def test_a_new_card_is_logged_as_new_with_no_elapsed_time():
    review = decide_grade(CardSchedule(), Grade.GOOD, NOW, SM2, user_id=1, pair_id=2, fuzz=None)
    assert (review.review.state_before, review.review.elapsed_days) == ("new", 0.0)
    assert review.review.scheduled_days == 1.0  # SM-2's second learning step


def test_personal_parameters_change_the_schedule():
    personal = SchedulerConfig(parameters=(1.0, 3.0, 6.0, 20.0, *DEFAULT_PARAMETERS[4:]))
    default_card = schedule_grade(CardSchedule(), Grade.EASY, NOW, FSRS)
    personal_card = schedule_grade(CardSchedule(), Grade.EASY, NOW, personal)
    assert personal_card.interval_days > default_card.interval_days


def test_higher_desired_retention_gives_shorter_intervals():
    card = to_fsrs(_review_card())
    low = schedule_grade(card, Grade.GOOD, NOW, SchedulerConfig(desired_retention=0.8))
    high = schedule_grade(card, Grade.GOOD, NOW, SchedulerConfig(desired_retention=0.95))
    assert high.interval_days < low.interval_days


def test_times_in_other_zones_are_graded_in_utc_and_naive_times_are_refused():
    local = NOW.astimezone(timezone(timedelta(hours=5)))
    assert schedule_grade(CardSchedule(), Grade.GOOD, local, FSRS).last_reviewed_at == NOW
    with pytest.raises(ValueError, match="aware"):
        schedule_grade(CardSchedule(), Grade.GOOD, NOW.replace(tzinfo=None), FSRS)


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        (list(DEFAULT_PARAMETERS), DEFAULT_PARAMETERS),
        ([1] * 4 + list(DEFAULT_PARAMETERS[4:]), (1.0,) * 4 + DEFAULT_PARAMETERS[4:]),
        (list(DEFAULT_PARAMETERS[:20]), None),
        ([*DEFAULT_PARAMETERS[:20], 5.0], None),
        ([*DEFAULT_PARAMETERS[:20], "0.15"], None),
        ([*DEFAULT_PARAMETERS[:20], True], None),
        ("[0.2, 1.3]", None),
        (None, None),
    ],
    ids=["defaults", "ints", "too-short", "out-of-bounds", "string", "bool", "text", "none"],
)
def test_stored_parameters_parse_or_are_rejected(value, parsed):
    assert parse_parameters(value) == parsed
