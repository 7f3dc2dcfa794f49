"""Personal FSRS-6 parameters (SPEC §12): when a fit is due, how the log becomes training
items, and that fitting recovers a learner who is not the default one."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from wordbot.benchmarks.memory_models import FsrsLikeMemory, rating_after_recall
from wordbot.domain.fsrs_schedule import (
    DEFAULT_PARAMETERS,
    SchedulerConfig,
    decide_grade,
    parse_parameters,
)
from wordbot.domain.review_log import ReviewLogEntry
from wordbot.domain.srs import CardSchedule
from wordbot.learning.fitting import (
    card_histories,
    fit_parameters,
    fitting_due,
    log_loss,
    training_items,
)

NOW = datetime(2025, 6, 1, tzinfo=UTC)
WEEK = timedelta(days=7)


@pytest.mark.parametrize(
    ("total", "at_last_fit", "fitted_at", "due"),
    [
        (399, None, None, False),
        (400, None, None, True),
        (460, 400, NOW - WEEK, True),
        (449, 400, NOW - WEEK, False),
        (900, 400, NOW - WEEK + timedelta(minutes=1), False),
        (900, 400, NOW - 2 * WEEK, True),
    ],
)
def test_fitting_is_due_from_400_reviews_with_50_new_at_most_weekly(
    total, at_last_fit, fitted_at, due
):
    assert fitting_due(total, at_last_fit, fitted_at, NOW) is due


def _entry(pair_id, rating, at, state_before="review"):
    return ReviewLogEntry(
        user_id=1,
        pair_id=pair_id,
        rating=rating,
        reviewed_at=at,
        state_before=state_before,
        elapsed_days=0.0,
        scheduled_days=0.0,
        scheduler="fsrs",
    )


def test_histories_start_at_the_first_new_grade_in_whole_days():
    entries = [
        _entry(1, 3, NOW + timedelta(days=3, hours=5)),
        _entry(1, 3, NOW, "new"),
        _entry(1, 3, NOW + timedelta(minutes=10), "learning"),
        _entry(2, 3, NOW - timedelta(days=9)),  # converted from SM-2: no new grade logged
        _entry(2, 1, NOW),
        _entry(3, 4, NOW, "new"),
        _entry(3, 2, NOW + timedelta(days=2), "new"),  # Reset: a fresh history
        _entry(3, 3, NOW + timedelta(days=6)),
    ]
    assert sorted(card_histories(entries)) == sorted(
        [[(3, 0), (3, 0), (3, 3)], [(4, 0)], [(2, 0), (3, 4)]]
    )


def test_one_training_item_per_review_after_the_first_once_a_day_has_passed():
    items = training_items([[(3, 0), (3, 2), (3, 0), (3, 3)], [(4, 0)], [(3, 0), (3, 0)]])
    assert [len(item.reviews) for item in items] == [2, 3, 4]


# A learner unlike the default: twice as stable at first, slower to forget, steeper curve.
TRUE_PARAMETERS = (
    0.8,
    3.0,
    7.0,
    20.0,
    5.5,
    0.6,
    2.0,
    0.01,
    2.2,
    0.1,
    1.2,
    1.2,
    0.05,
    0.3,
    1.4,
    0.5,
    2.5,
    0.5,
    0.1,
    0.05,
    0.45,
)


def _synthetic_log(cards: int, days: int, seed: int) -> list[ReviewLogEntry]:
    """Each card graded at its due time by the bot's FSRS (defaults) while the learner's true
    memory follows TRUE_PARAMETERS."""
    rng = random.Random(seed)
    truth = FsrsLikeMemory(TRUE_PARAMETERS)
    config = SchedulerConfig()
    entries = []
    end = NOW + timedelta(days=days)
    for pair_id in range(1, cards + 1):
        card = CardSchedule()
        at = NOW + timedelta(hours=rng.uniform(0, 24 * days / 3))
        memory = None
        while at < end:
            elapsed = (at - NOW).total_seconds() / 86_400
            if memory is None:
                rating = rng.choices((1, 2, 3, 4), (0.2, 0.1, 0.6, 0.1))[0]
                memory = truth.new_word(rating, elapsed, rng)
            else:
                recall = truth.recall(memory, elapsed)
                rating = rating_after_recall(rng.random() < recall, recall, rng)
                truth.review(memory, rating, elapsed)
            grade = {1: "again", 2: "hard", 3: "good", 4: "easy"}[rating]
            decision = decide_grade(
                card, grade, at, config, user_id=1, pair_id=pair_id, fuzz=rng.random()
            )
            entries.append(decision.review)
            card = decision.schedule
            at = card.due_at
    return entries


def test_fitted_parameters_beat_the_defaults_on_held_out_reviews():
    entries = _synthetic_log(cards=360, days=120, seed=12)
    train = [entry for entry in entries if entry.pair_id % 4 != 0]
    held_out = [entry for entry in entries if entry.pair_id % 4 == 0]
    assert len(train) >= 1000 and len(held_out) >= 300

    fitted = fit_parameters(train)

    assert fitted is not None and fitted != DEFAULT_PARAMETERS
    assert parse_parameters(list(fitted)) == fitted
    assert log_loss(fitted, held_out) < log_loss(DEFAULT_PARAMETERS, held_out)
