"""Grade button labels (SPEC §12): the grade's word and a compact interval."""

from datetime import timedelta

import pytest

from wordbot.domain.srs import Grade
from wordbot.rendering.training import (
    grade_button_label,
    interval_label,
    labelled_grade_keyboard,
    leech_suspended,
)


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(seconds=20), "1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=5, seconds=30), "6m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(minutes=59, seconds=40), "1h"),
        (timedelta(hours=5), "5h"),
        (timedelta(hours=23, seconds=1800), "1d"),
        (timedelta(days=8), "8d"),
        (timedelta(days=29), "29d"),
        (timedelta(days=45), "1.5mo"),
        (timedelta(days=60), "2mo"),
        (timedelta(days=400), "1.1y"),
        (timedelta(days=730), "2y"),
        (timedelta(days=36500), "100y"),
    ],
)
def test_intervals_are_compact(interval, label):
    assert interval_label(interval) == label


def test_labels_start_with_the_grade_word():
    assert grade_button_label(Grade.EASY, timedelta(days=8)) == "Easy · 8d"
    assert grade_button_label(Grade.AGAIN, timedelta(minutes=1)) == "Again · 1m"


def test_the_labelled_keyboard_keeps_the_plain_keyboard_callbacks():
    intervals = {
        Grade.AGAIN: timedelta(minutes=1),
        Grade.HARD: timedelta(minutes=6),
        Grade.GOOD: timedelta(minutes=10),
        Grade.EASY: timedelta(days=8),
    }
    keyboard = labelled_grade_keyboard("Tok123", intervals, snooze=True)
    assert [button.text for button in keyboard[0]] == [
        "Again · 1m",
        "Hard · 6m",
        "Good · 10m",
        "Easy · 8d",
    ]
    assert len(keyboard) == 2


def test_the_leech_message_escapes_the_word():
    assert leech_suspended("a<b") == (
        "<b>a&lt;b</b> keeps slipping away — suspended. Edit it or bring it back in /words."
    )


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(minutes=10), "10мин"),
        (timedelta(hours=5), "5ч"),
        (timedelta(days=8), "8д"),
        (timedelta(days=45), "1,5мес"),
        (timedelta(days=400), "1,1г"),
    ],
)
def test_intervals_are_compact_in_russian_with_a_decimal_comma(interval, label):
    assert interval_label(interval, lang="ru") == label


def test_russian_labels_carry_the_russian_grade_word_and_interval():
    assert grade_button_label(Grade.EASY, timedelta(days=8), lang="ru") == "Легко · 8д"
