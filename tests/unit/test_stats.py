"""The numbers of /stats (SPEC §14), each from a small table of cards, grades and games."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wordbot.domain.srs import CardState
from wordbot.domain.stats import (
    SERIES_DAYS,
    CardStat,
    GameResult,
    ReviewEvent,
    compute_stats,
    streaks,
)

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 13:00 in Berlin


def stats_of(cards=(), reviews=(), games=(), now=NOW, zone=UTC, **options):
    options = {"scheduler": "fsrs", "personal_parameters": False, **options}
    return compute_stats(cards, reviews, games, now, zone, **options)


def review(at, rating=3, state_before="review"):
    return ReviewEvent(reviewed_at=at, rating=rating, state_before=state_before)


def utc(day, hour=12, minute=0):
    """A moment of March 2026 in UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_an_empty_user_has_zeros_no_rates_and_flat_series():
    stats = stats_of()
    assert (stats.pairs, stats.due_now, stats.due_today, stats.due_week) == (0, 0, 0, 0)
    assert (stats.reviews_today, stats.current_streak, stats.best_streak) == (0, 0, 0)
    assert stats.retention is None and stats.game_accuracy is None
    assert [d.count for d in stats.reviews_per_day] == [0] * SERIES_DAYS
    assert [d.count for d in stats.due_per_day] == [0] * SERIES_DAYS
    assert stats.reviews_per_day[-1].day == stats.due_per_day[0].day == date(2026, 3, 10)
    assert stats.reviews_per_day[0].day == date(2026, 2, 9)
    assert stats.due_per_day[-1].day == date(2026, 4, 8)


def test_cards_by_state_count_suspended_apart_and_folded_rows_by_their_count():
    cards = [
        CardStat(CardState.NEW, None, count=3),
        CardStat(CardState.LEARNING, utc(10, 11)),
        CardStat(CardState.REVIEW, utc(20), count=4),
        CardStat(CardState.REVIEW, utc(1), suspended=True),
        CardStat(CardState.NEW, None, suspended=True),
    ]
    stats = stats_of(cards)
    assert (stats.new, stats.learning, stats.review, stats.suspended) == (3, 1, 4, 2)
    assert stats.pairs == 10


@pytest.mark.parametrize(
    ("due_at", "zone", "now_due", "today", "week"),
    [
        (utc(1), UTC, 1, 1, 1),  # long overdue
        (NOW, UTC, 1, 1, 1),  # due this very moment
        (NOW + timedelta(seconds=1), UTC, 0, 1, 1),
        (utc(10, 23, 59), UTC, 0, 1, 1),  # last minute of the UTC day
        (utc(11, 0, 0), UTC, 0, 0, 1),  # tomorrow
        (utc(10, 23, 30), BERLIN, 0, 0, 1),  # 00:30 tomorrow in Berlin
        (utc(10, 22, 59), BERLIN, 0, 1, 1),  # 23:59 today in Berlin
        (utc(10, 14, 59), TOKYO, 0, 1, 1),  # 23:59 today in Tokyo
        (utc(10, 15, 0), TOKYO, 0, 0, 1),  # midnight in Tokyo
        (utc(16, 23, 59), UTC, 0, 0, 1),  # the sixth day after today
        (utc(17, 0, 0), UTC, 0, 0, 0),  # the seventh: outside the week
        (None, UTC, 0, 0, 0),  # beyond the horizon
    ],
)
def test_due_now_today_and_this_week_in_the_learners_days(due_at, zone, now_due, today, week):
    stats = stats_of([CardStat(CardState.REVIEW, due_at)], zone=zone)
    assert (stats.due_now, stats.due_today, stats.due_week) == (now_due, today, week)


def test_new_and_suspended_cards_are_never_due():
    cards = [
        CardStat(CardState.NEW, utc(1)),
        CardStat(CardState.REVIEW, utc(1), suspended=True),
        CardStat(CardState.LEARNING, utc(1), suspended=True),
    ]
    stats = stats_of(cards)
    assert (stats.due_now, stats.due_today, stats.due_week) == (0, 0, 0)
    assert sum(d.count for d in stats.due_per_day) == 0


def test_due_per_day_counts_overdue_on_today_and_stops_after_thirty_days():
    cards = [
        CardStat(CardState.REVIEW, utc(1), count=2),  # overdue
        CardStat(CardState.LEARNING, utc(10, 18)),  # later today
        CardStat(CardState.REVIEW, utc(12), count=5),
        CardStat(CardState.REVIEW, datetime(2026, 4, 8, 23, tzinfo=UTC)),  # the 30th day
        CardStat(CardState.REVIEW, datetime(2026, 4, 9, tzinfo=UTC)),  # the 31st day
    ]
    series = {d.day: d.count for d in stats_of(cards).due_per_day}
    assert series[date(2026, 3, 10)] == 3
    assert series[date(2026, 3, 12)] == 5
    assert series[date(2026, 4, 8)] == 1
    assert sum(series.values()) == 9


@pytest.mark.parametrize(
    ("moments", "zone", "expected"),
    [
        ([utc(10, 1), utc(10, 11)], UTC, 2),
        ([utc(9, 23, 30)], UTC, 0),  # yesterday in UTC
        ([utc(9, 23, 30)], BERLIN, 1),  # 00:30 today in Berlin
        ([utc(10, 3)], NEW_YORK, 0),  # 23:00 yesterday in New York
        ([utc(10, 11, 59), utc(10, 12, 1)], UTC, 2),  # today, even a minute ahead of now
    ],
)
def test_reviews_today_counts_grades_on_the_learners_day(moments, zone, expected):
    assert stats_of(reviews=[review(m) for m in moments], zone=zone).reviews_today == expected


def test_reviews_per_day_counts_each_local_day_of_the_last_thirty():
    reviews = [review(utc(10, 9)), review(utc(10, 10)), review(utc(8)), review(utc(1))]
    reviews.append(review(datetime(2026, 2, 8, 12, tzinfo=UTC)))  # 31 days ago: off the chart
    series = {d.day: d.count for d in stats_of(reviews=reviews).reviews_per_day}
    assert series[date(2026, 3, 10)] == 2
    assert series[date(2026, 3, 8)] == 1
    assert series[date(2026, 3, 1)] == 1
    assert sum(series.values()) == 4


D = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("days_ago", "current", "best"),
    [
        ([], 0, 0),
        ([0], 1, 1),
        ([0, 1, 2, 3, 4], 5, 5),
        ([1, 2, 3], 3, 3),  # no review yet today: the streak through yesterday stands
        ([2, 3, 4], 0, 3),  # yesterday without a review broke it
        ([0, 1, 3, 4, 5, 6], 2, 4),  # a day without reviews splits two runs
        ([0, 2, 4, 6], 1, 1),
        ([10, 11, 12, 13, 14, 15, 16, 40, 41], 0, 7),
    ],
)
def test_streaks_count_consecutive_days_with_a_review(days_ago, current, best):
    days = [D - timedelta(days=n) for n in days_ago]
    assert streaks(days, D) == (current, best)


@pytest.mark.parametrize(
    ("moments", "zone", "current"),
    [
        # 23:30 and 00:30 Berlin time on consecutive Berlin days, one UTC day apart from each
        ([utc(8, 22, 30), utc(8, 23, 30), utc(9, 23, 30)], BERLIN, 3),
        ([utc(8, 22, 30), utc(8, 23, 30), utc(9, 23, 30)], UTC, 2),
        # 23:00 and 01:00 in Tokyo: two Tokyo days, one UTC day
        ([utc(9, 14), utc(9, 16)], TOKYO, 2),
        ([utc(9, 14), utc(9, 16)], UTC, 1),
        # 23:00 on the 8th and 16:00 on the 9th in New York (EDT since the 8th): one UTC day
        ([utc(9, 3), utc(9, 20)], NEW_YORK, 2),
        ([utc(9, 3), utc(9, 20)], UTC, 1),
    ],
)
def test_streaks_follow_the_learners_midnight(moments, zone, current):
    stats = stats_of(reviews=[review(m) for m in moments], zone=zone)
    assert stats.current_streak == current


@pytest.mark.parametrize(
    ("grades", "retention", "counted"),
    [
        ([], None, 0),
        ([(3, "review")], 1.0, 1),
        ([(1, "review")], 0.0, 1),
        ([(1, "review"), (2, "review"), (3, "review"), (4, "review")], 0.75, 4),
        # only review-state grades count: learning, relearning and new ones are left out
        ([(1, "learning"), (1, "new"), (1, "relearning"), (3, "review")], 1.0, 1),
        ([(1, "learning"), (3, "learning")], None, 0),
    ],
)
def test_true_retention_is_the_share_of_review_grades_not_again(grades, retention, counted):
    reviews = [review(utc(9), rating, state) for rating, state in grades]
    stats = stats_of(reviews=reviews)
    assert (stats.retention, stats.retention_grades) == (retention, counted)


def test_true_retention_looks_back_thirty_days_only():
    reviews = [
        review(NOW - timedelta(days=30), rating=1),  # just outside
        review(NOW - timedelta(days=29, hours=23), rating=3),
        review(NOW, rating=1),
    ]
    stats = stats_of(reviews=reviews)
    assert (stats.retention, stats.retention_grades) == (0.5, 2)


@pytest.mark.parametrize(
    ("games", "accuracy", "attempts"),
    [
        ([], None, 0),
        ([GameResult(utc(9), 0, 0)], None, 0),
        ([GameResult(utc(9), 3, 4)], 0.75, 4),
        ([GameResult(utc(9), 3, 4), GameResult(utc(1), 1, 4)], 0.5, 8),
        ([GameResult(NOW - timedelta(days=31), 0, 10), GameResult(utc(9), 5, 5)], 1.0, 5),
    ],
)
def test_game_accuracy_sums_the_games_of_the_last_thirty_days(games, accuracy, attempts):
    stats = stats_of(games=games)
    assert (stats.game_accuracy, stats.game_attempts) == (accuracy, attempts)


def test_scheduler_and_personal_parameters_are_passed_through():
    stats = stats_of(scheduler="sm2", personal_parameters=True)
    assert (stats.scheduler, stats.personal_parameters) == ("sm2", True)
