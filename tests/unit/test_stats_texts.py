"""The /stats texts (SPEC §14): caption, its split at 1024 characters, streak line, empty case."""

from datetime import UTC, datetime, timedelta

import pytest

from wordbot.domain.srs import CardState
from wordbot.domain.stats import CardStat, GameResult, ReviewEvent, compute_stats
from wordbot.emulator.html_text import parse_html
from wordbot.rendering.stats import (
    MAX_CAPTION_CHARACTERS,
    caption_and_rest,
    scheduler_label,
    stats_caption,
    stats_empty,
    streak_line,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def a_learner(**options):
    cards = [
        CardStat(CardState.NEW, None, count=20),
        CardStat(CardState.LEARNING, NOW - timedelta(minutes=5), count=3),
        CardStat(CardState.REVIEW, NOW + timedelta(days=2), count=90),
        CardStat(CardState.REVIEW, NOW, suspended=True),
    ]
    reviews = [ReviewEvent(NOW - timedelta(days=d), 3, "review") for d in range(5)]
    reviews.append(ReviewEvent(NOW - timedelta(days=1), 1, "review"))
    games = [GameResult(NOW - timedelta(days=2), 7, 8)]
    settings = {"scheduler": "fsrs", "personal_parameters": False, **options}
    return compute_stats(cards, reviews, games, NOW, UTC, **settings)


def test_the_caption_states_every_number_of_the_stats():
    text = stats_caption(a_learner())
    assert "Words: <b>114</b> — new 20 · learning 3 · review 90 · suspended 1" in text
    assert "Due now: <b>3</b> · today: 3 · next 7 days: 93" in text
    assert "Reviews today: <b>1</b>" in text
    assert "Streak: 5 days · best: 5 days" in text
    assert "True retention, 30 days: <b>83%</b> of 6 reviews" in text
    assert "Game accuracy, 30 days: <b>88%</b> of 8 answers" in text
    assert "Scheduler: FSRS-6, default parameters" in text


def test_the_caption_is_valid_telegram_html_within_the_caption_limit():
    text = stats_caption(a_learner())
    parse_html(text, strict=True)
    assert len(text) <= MAX_CAPTION_CHARACTERS
    assert caption_and_rest(text) == (text, None)


def test_a_learner_without_reviews_or_games_is_told_so_not_shown_zero_percent():
    stats = compute_stats([], [], [], NOW, UTC, scheduler="sm2", personal_parameters=False)
    text = stats_caption(stats)
    assert "True retention, 30 days: no reviews yet" in text
    assert "Game accuracy, 30 days: no games yet" in text
    assert "Streak: 0 days · best: 0 days" in text


@pytest.mark.parametrize(
    ("scheduler", "personal", "label"),
    [
        ("fsrs", False, "FSRS-6, default parameters"),
        ("fsrs", True, "FSRS-6, your personal parameters"),
        ("sm2", False, "SM-2"),
        ("x<y", False, "x&lt;y"),
    ],
)
def test_scheduler_label_says_whether_fsrs_parameters_are_personal(scheduler, personal, label):
    assert scheduler_label(scheduler, personal) == label


@pytest.mark.parametrize(
    ("lines", "limit", "caption", "rest"),
    [
        (["abc", "def"], 7, "abc\ndef", None),  # exactly the limit
        (["abc", "def"], 6, "abc", "def"),
        (["abc", "def", "ghi"], 8, "abc\ndef", "ghi"),
        (["abcdefgh", "x"], 4, None, "abcdefgh\nx"),  # the first line alone is too long
    ],
)
def test_caption_and_rest_cut_between_whole_lines(lines, limit, caption, rest):
    assert caption_and_rest("\n".join(lines), limit) == (caption, rest)


def test_a_long_caption_keeps_1024_characters_and_the_rest_follows():
    text = "\n".join(f"<b>line {n}</b> " + "x" * 40 for n in range(40))
    caption, rest = caption_and_rest(text)
    assert caption is not None and rest is not None
    assert len(caption) <= MAX_CAPTION_CHARACTERS
    assert caption + "\n" + rest == text
    parse_html(caption, strict=True)
    parse_html(rest, strict=True)


@pytest.mark.parametrize(
    ("days", "line"),
    [(0, None), (1, None), (2, "🔥 2 days in a row"), (5, "🔥 5 days in a row")],
)
def test_streak_line_appears_from_two_days(days, line):
    assert streak_line(days) == line


def test_stats_without_pairs_is_a_short_valid_text():
    text = stats_empty()
    parse_html(text, strict=True)
    assert len(text) < 200
