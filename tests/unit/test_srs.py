"""Spaced-repetition scheduling (SPEC §4.4): every state × grade, ease floor, rounding, invariants."""

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from wordbot.domain.srs import (
    EASY_GRADUATION_DAYS,
    LEARNING_STEPS,
    MAXIMUM_INTERVAL_DAYS,
    MINIMUM_EASE,
    STARTING_EASE,
    CardSchedule,
    CardState,
    Grade,
    grade_card,
    next_states,
    parse_grade,
)

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(days=3)
TEN_MINUTES = timedelta(minutes=10)
ONE_DAY = timedelta(days=1)

NEW_CARD = CardSchedule()
LEARNING_STEP_0 = CardSchedule(
    state=CardState.LEARNING, due_at=NOW, last_reviewed_at=EARLIER, ease=2.2, step=0, reps=2
)
LEARNING_STEP_1 = replace(LEARNING_STEP_0, step=1)
RELEARNING_CARD = replace(LEARNING_STEP_0, interval_days=10, lapses=1)
REVIEW_CARD = CardSchedule(
    state=CardState.REVIEW,
    due_at=NOW,
    last_reviewed_at=EARLIER,
    interval_days=10,
    ease=2.5,
    reps=3,
    lapses=1,
)
SAMPLE_CARDS = [NEW_CARD, LEARNING_STEP_0, LEARNING_STEP_1, RELEARNING_CARD, REVIEW_CARD]
SAMPLE_IDS = ["new", "learning_step_0", "learning_step_1", "relearning", "review"]


def _review_card(interval_days: int, ease: float) -> CardSchedule:
    return replace(REVIEW_CARD, interval_days=interval_days, ease=ease)


def test_a_fresh_schedule_is_a_new_card_at_the_starting_ease() -> None:
    card = CardSchedule()
    assert card.state is CardState.NEW
    assert card.due_at is None
    assert card.last_reviewed_at is None
    assert (card.interval_days, card.ease, card.step, card.reps, card.lapses) == (0, 2.5, 0, 0, 0)
    assert STARTING_EASE == 2.5


# --- new and learning cards ----------------------------------------------------------------


def _learning(card: CardSchedule, step: int) -> CardSchedule:
    return replace(
        card,
        state=CardState.LEARNING,
        step=step,
        due_at=NOW + LEARNING_STEPS[step],
        last_reviewed_at=NOW,
    )


def _graduated(card: CardSchedule, days: int) -> CardSchedule:
    return replace(
        card,
        state=CardState.REVIEW,
        step=0,
        interval_days=days,
        due_at=NOW + timedelta(days=days),
        last_reviewed_at=NOW,
        reps=card.reps + 1,
    )


@pytest.mark.parametrize(
    ("card", "grade", "expected"),
    [
        pytest.param(
            NEW_CARD, Grade.AGAIN, _learning(NEW_CARD, 0), id="new_again_step_0_in_10_min"
        ),
        pytest.param(NEW_CARD, Grade.HARD, _learning(NEW_CARD, 0), id="new_hard_learning_step_0"),
        pytest.param(NEW_CARD, Grade.GOOD, _learning(NEW_CARD, 1), id="new_good_step_1_in_1_day"),
        pytest.param(NEW_CARD, Grade.EASY, _graduated(NEW_CARD, 4), id="new_easy_graduates_4_days"),
        pytest.param(
            LEARNING_STEP_0, Grade.AGAIN, _learning(LEARNING_STEP_0, 0), id="step_0_again_restarts"
        ),
        pytest.param(
            LEARNING_STEP_0, Grade.HARD, _learning(LEARNING_STEP_0, 0), id="step_0_hard_stays"
        ),
        pytest.param(
            LEARNING_STEP_0, Grade.GOOD, _learning(LEARNING_STEP_0, 1), id="step_0_good_to_step_1"
        ),
        pytest.param(
            LEARNING_STEP_0, Grade.EASY, _graduated(LEARNING_STEP_0, 4), id="step_0_easy_graduates"
        ),
        pytest.param(
            LEARNING_STEP_1, Grade.AGAIN, _learning(LEARNING_STEP_1, 0), id="step_1_again_to_step_0"
        ),
        pytest.param(
            LEARNING_STEP_1, Grade.HARD, _learning(LEARNING_STEP_1, 1), id="step_1_hard_stays_1_day"
        ),
        pytest.param(
            LEARNING_STEP_1, Grade.GOOD, _graduated(LEARNING_STEP_1, 1), id="step_1_good_graduates"
        ),
        pytest.param(
            LEARNING_STEP_1, Grade.EASY, _graduated(LEARNING_STEP_1, 4), id="step_1_easy_graduates"
        ),
        pytest.param(
            RELEARNING_CARD,
            Grade.GOOD,
            _learning(RELEARNING_CARD, 1),
            id="relearning_good_keeps_old_interval",
        ),
        pytest.param(
            replace(RELEARNING_CARD, step=1),
            Grade.GOOD,
            _graduated(replace(RELEARNING_CARD, step=1), 1),
            id="relearning_graduates_with_1_day",
        ),
    ],
)
def test_grade_on_new_or_learning_card_follows_the_learning_steps(
    card: CardSchedule, grade: Grade, expected: CardSchedule
) -> None:
    assert grade_card(card, grade, NOW) == expected


@pytest.mark.parametrize("grade", list(Grade))
@pytest.mark.parametrize("card", [NEW_CARD, LEARNING_STEP_0, LEARNING_STEP_1], ids=SAMPLE_IDS[:3])
def test_ease_and_lapses_do_not_change_while_learning(card: CardSchedule, grade: Grade) -> None:
    graded = grade_card(card, grade, NOW)
    assert graded.ease == card.ease
    assert graded.lapses == card.lapses


@pytest.mark.parametrize(
    ("card", "grade", "reps"),
    [
        pytest.param(LEARNING_STEP_0, Grade.AGAIN, 2, id="again_not_counted"),
        pytest.param(LEARNING_STEP_0, Grade.HARD, 2, id="hard_not_counted"),
        pytest.param(LEARNING_STEP_0, Grade.GOOD, 2, id="good_before_last_step_not_counted"),
        pytest.param(LEARNING_STEP_1, Grade.GOOD, 3, id="good_graduating_counted"),
        pytest.param(LEARNING_STEP_0, Grade.EASY, 3, id="easy_graduating_counted"),
        pytest.param(REVIEW_CARD, Grade.AGAIN, 3, id="review_lapse_not_counted"),
        pytest.param(REVIEW_CARD, Grade.HARD, 4, id="review_hard_counted"),
        pytest.param(REVIEW_CARD, Grade.GOOD, 4, id="review_good_counted"),
        pytest.param(REVIEW_CARD, Grade.EASY, 4, id="review_easy_counted"),
    ],
)
def test_reps_counts_successful_reviews_and_graduation_only(
    card: CardSchedule, grade: Grade, reps: int
) -> None:
    assert grade_card(card, grade, NOW).reps == reps


def test_new_card_progresses_step_by_step_to_graduation() -> None:
    first = grade_card(NEW_CARD, Grade.GOOD, NOW)
    assert (first.state, first.step, first.due_at) == (CardState.LEARNING, 1, NOW + ONE_DAY)

    second_at = first.due_at
    second = grade_card(first, Grade.GOOD, second_at)
    assert (second.state, second.step) == (CardState.REVIEW, 0)
    assert (second.interval_days, second.due_at) == (1, second_at + ONE_DAY)

    third_at = second.due_at
    third = grade_card(second, Grade.GOOD, third_at)
    assert (third.interval_days, third.due_at) == (3, third_at + timedelta(days=3))  # 1 × 2.5
    assert (third.reps, third.lapses, third.ease) == (2, 0, STARTING_EASE)


@pytest.mark.parametrize(
    ("step", "grade", "expected_step", "expected_state"),
    [
        pytest.param(5, Grade.HARD, 1, CardState.LEARNING, id="hard_stays_on_last_step"),
        pytest.param(5, Grade.GOOD, 0, CardState.REVIEW, id="good_graduates"),
        pytest.param(-1, Grade.HARD, 0, CardState.LEARNING, id="negative_step_counts_as_first"),
    ],
)
def test_stored_step_outside_the_steps_is_clamped(
    step: int, grade: Grade, expected_step: int, expected_state: CardState
) -> None:
    graded = grade_card(replace(LEARNING_STEP_0, step=step), grade, NOW)
    assert (graded.step, graded.state) == (expected_step, expected_state)


# --- review cards --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "expected"),
    [
        pytest.param(
            Grade.AGAIN,
            replace(
                REVIEW_CARD,
                state=CardState.LEARNING,
                step=0,
                due_at=NOW + TEN_MINUTES,
                last_reviewed_at=NOW,
                ease=2.3,
                lapses=2,
            ),
            id="again_lapses_keeps_interval",
        ),
        pytest.param(
            Grade.HARD,
            replace(
                REVIEW_CARD,
                interval_days=12,
                ease=2.35,
                due_at=NOW + timedelta(days=12),
                last_reviewed_at=NOW,
                reps=4,
            ),
            id="hard_interval_times_1_2",
        ),
        pytest.param(
            Grade.GOOD,
            replace(
                REVIEW_CARD,
                interval_days=25,
                due_at=NOW + timedelta(days=25),
                last_reviewed_at=NOW,
                reps=4,
            ),
            id="good_interval_times_ease",
        ),
        pytest.param(
            Grade.EASY,
            replace(
                REVIEW_CARD,
                interval_days=33,  # 10 × 2.5 × 1.3 = 32.5, half up
                ease=2.65,
                due_at=NOW + timedelta(days=33),
                last_reviewed_at=NOW,
                reps=4,
            ),
            id="easy_interval_times_ease_times_1_3",
        ),
    ],
)
def test_grade_on_review_card(grade: Grade, expected: CardSchedule) -> None:
    assert grade_card(REVIEW_CARD, grade, NOW) == expected


def test_again_on_review_card_lapses_to_learning() -> None:
    lapsed = grade_card(REVIEW_CARD, Grade.AGAIN, NOW)
    assert (lapsed.state, lapsed.step, lapsed.due_at) == (CardState.LEARNING, 0, NOW + TEN_MINUTES)
    assert lapsed.lapses == REVIEW_CARD.lapses + 1


def test_easy_on_review_card_uses_the_old_ease_for_the_interval() -> None:
    graded = grade_card(_review_card(interval_days=10, ease=2.0), Grade.EASY, NOW)
    assert graded.ease == 2.15
    assert graded.interval_days == 26  # 10 × 2.0 × 1.3; the new ease would give 28


@pytest.mark.parametrize(
    ("grade", "eases"),
    [
        pytest.param(
            Grade.AGAIN, [2.3, 2.1, 1.9, 1.7, 1.5, 1.3, 1.3, 1.3], id="lapses_minus_0_2_each"
        ),
        pytest.param(
            Grade.HARD,
            [2.35, 2.2, 2.05, 1.9, 1.75, 1.6, 1.45, 1.3, 1.3, 1.3],
            id="hards_minus_0_15_each",
        ),
    ],
)
def test_repeated_lapses_and_hards_stop_at_the_ease_floor(grade: Grade, eases: list[float]) -> None:
    card = _review_card(interval_days=10, ease=STARTING_EASE)
    seen = []
    for _ in eases:
        card = replace(grade_card(card, grade, NOW), state=CardState.REVIEW)
        seen.append(card.ease)
    assert seen == eases  # exact: no float drift such as 2.3499999999999996
    assert card.ease == MINIMUM_EASE


@pytest.mark.parametrize(
    ("ease", "grade", "expected_ease"),
    [
        pytest.param(2.3499999999999996, Grade.HARD, 2.2, id="float_noise_read_at_two_decimals"),
        pytest.param(2.3499999999999996, Grade.GOOD, 2.35, id="good_stores_clean_ease"),
        pytest.param(1.1, Grade.HARD, 1.3, id="below_floor_read_as_floor"),
        pytest.param(1.3, Grade.EASY, 1.45, id="easy_raises_ease"),
    ],
)
def test_stored_ease_is_read_at_two_decimals_and_at_least_the_floor(
    ease: float, grade: Grade, expected_ease: float
) -> None:
    assert grade_card(_review_card(10, ease), grade, NOW).ease == expected_ease


@pytest.mark.parametrize(
    ("interval_days", "ease", "grade"),
    [
        pytest.param(1, 1.3, Grade.HARD, id="hard_1_day_times_1_2_rounds_to_1"),
        pytest.param(1, 1.3, Grade.GOOD, id="good_1_day_times_1_3_rounds_to_1"),
        pytest.param(0, 2.5, Grade.HARD, id="hard_zero_interval"),
        pytest.param(0, 2.5, Grade.GOOD, id="good_zero_interval"),
        pytest.param(0, 2.5, Grade.EASY, id="easy_zero_interval"),
    ],
)
def test_review_interval_is_at_least_one_day(interval_days: int, ease: float, grade: Grade) -> None:
    graded = grade_card(_review_card(interval_days, ease), grade, NOW)
    assert graded.interval_days == 1
    assert graded.due_at == NOW + ONE_DAY


@pytest.mark.parametrize(
    ("interval_days", "ease", "grade", "expected_days"),
    [
        pytest.param(2, 2.25, Grade.GOOD, 5, id="4_5_rounds_up_to_5"),
        pytest.param(1, 2.5, Grade.GOOD, 3, id="2_5_rounds_up_to_3_not_bankers_2"),
        pytest.param(5, 2.5, Grade.GOOD, 13, id="12_5_rounds_up_to_13_not_bankers_12"),
        pytest.param(3, 2.5, Grade.GOOD, 8, id="7_5_rounds_up_to_8"),
        pytest.param(25, 2.3, Grade.GOOD, 58, id="57_5_rounds_up_though_float_gives_57_4999"),
        pytest.param(10, 2.5, Grade.EASY, 33, id="easy_32_5_rounds_up_to_33"),
        pytest.param(3, 2.15, Grade.GOOD, 6, id="6_45_rounds_down_to_6"),
        pytest.param(2, 1.3, Grade.GOOD, 3, id="2_6_rounds_up_to_3"),
        pytest.param(5, 2.5, Grade.HARD, 6, id="hard_5_times_1_2_is_6"),
        pytest.param(2, 2.5, Grade.HARD, 2, id="hard_2_4_rounds_down_to_2"),
        pytest.param(3, 2.5, Grade.HARD, 4, id="hard_3_6_rounds_up_to_4"),
    ],
)
def test_review_interval_rounds_half_up(
    interval_days: int, ease: float, grade: Grade, expected_days: int
) -> None:
    graded = grade_card(_review_card(interval_days, ease), grade, NOW)
    assert graded.interval_days == expected_days
    assert graded.due_at == NOW + timedelta(days=expected_days)


@pytest.mark.parametrize("grade", [Grade.HARD, Grade.GOOD, Grade.EASY])
def test_review_interval_is_capped_at_the_maximum(grade: Grade) -> None:
    graded = grade_card(_review_card(MAXIMUM_INTERVAL_DAYS, 3.0), grade, NOW)
    assert graded.interval_days == MAXIMUM_INTERVAL_DAYS
    assert graded.due_at == NOW + timedelta(days=MAXIMUM_INTERVAL_DAYS)


# --- every grade ---------------------------------------------------------------------------


@pytest.mark.parametrize("grade", list(Grade))
@pytest.mark.parametrize("card", SAMPLE_CARDS, ids=SAMPLE_IDS)
def test_every_grade_sets_last_reviewed_at_and_a_future_due_at(
    card: CardSchedule, grade: Grade
) -> None:
    graded = grade_card(card, grade, NOW)
    assert graded.last_reviewed_at == NOW
    assert graded.due_at is not None
    assert graded.due_at > NOW


@pytest.mark.parametrize("card", SAMPLE_CARDS, ids=SAMPLE_IDS)
def test_next_states_agrees_with_grade_card(card: CardSchedule) -> None:
    outcomes = next_states(card, NOW)
    assert list(outcomes) == [Grade.AGAIN, Grade.HARD, Grade.GOOD, Grade.EASY]
    assert outcomes == {grade: grade_card(card, grade, NOW) for grade in Grade}


@pytest.mark.parametrize(
    "schedule", [grade_card, lambda card, _grade, now: next_states(card, now)], ids=["grade", "all"]
)
def test_naive_now_is_rejected(schedule) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        schedule(REVIEW_CARD, Grade.GOOD, NOW.replace(tzinfo=None))


def test_aware_now_in_another_zone_gives_utc_results() -> None:
    now_in_berlin = NOW.astimezone(timezone(timedelta(hours=1)))
    graded = grade_card(NEW_CARD, Grade.AGAIN, now_in_berlin)
    assert graded.last_reviewed_at == NOW
    assert graded.last_reviewed_at.tzinfo is UTC
    assert graded.due_at == NOW + TEN_MINUTES
    assert graded.due_at.tzinfo is UTC


def test_grade_card_accepts_a_grade_value_and_rejects_an_unknown_one() -> None:
    assert grade_card(NEW_CARD, "easy", NOW) == grade_card(NEW_CARD, Grade.EASY, NOW)
    with pytest.raises(ValueError):
        grade_card(NEW_CARD, "perfect", NOW)


@pytest.mark.parametrize("seed", range(20))
def test_random_grade_sequences_keep_due_in_the_future_and_ease_above_the_floor(
    seed: int,
) -> None:
    rng = random.Random(seed)
    card = CardSchedule()
    now = NOW
    for _ in range(200):
        now += timedelta(seconds=rng.randrange(0, 3 * 24 * 3600))
        grade = rng.choice(list(Grade))
        graded = grade_card(card, grade, now)
        assert graded.due_at > now
        assert graded.last_reviewed_at == now
        assert graded.ease >= MINIMUM_EASE
        assert graded.ease == round(graded.ease, 2)
        assert graded.reps >= card.reps
        assert graded.lapses >= card.lapses
        if graded.state == CardState.REVIEW:
            assert 1 <= graded.interval_days <= MAXIMUM_INTERVAL_DAYS
        else:
            assert graded.state == CardState.LEARNING
            assert graded.due_at - now in LEARNING_STEPS
        card = graded


# --- parsing a grade -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("again", Grade.AGAIN, id="again"),
        pytest.param("hard", Grade.HARD, id="hard"),
        pytest.param(" Good ", Grade.GOOD, id="case_and_spaces_ignored"),
        pytest.param("EASY\n", Grade.EASY, id="upper_case_with_newline"),
        pytest.param("", None, id="empty"),
        pytest.param("ok", None, id="unknown_word"),
        pytest.param("3", None, id="digit"),
        pytest.param("good job", None, id="extra_words"),
        pytest.param("goo", None, id="prefix"),
    ],
)
def test_parse_grade_reads_the_grade_name_or_returns_none(
    text: str, expected: Grade | None
) -> None:
    assert parse_grade(text) is expected


def test_easy_graduation_constant_matches_the_spec() -> None:
    assert EASY_GRADUATION_DAYS == 4
    assert LEARNING_STEPS == (TEN_MINUTES, ONE_DAY)
