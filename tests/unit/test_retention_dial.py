"""The retention dial (SPEC §12) as tables: which retentions it shows, which is the most
knowledge per review, when a cached dial is fresh, stale or missing, how the block reads in
both languages, and what the Learning screen shows and asks for."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.unit.test_decide import NOW, RULES, callback, learner, moment, press
from wordbot.decide.settings import decide_settings_press, dial_shown, shows_dial, wants_dial
from wordbot.decide.transition import Snapshot
from wordbot.domain.retention_dial import (
    MIN_DIAL_DECK,
    DialFacts,
    DialPoint,
    DialShown,
    DialSituation,
    DialStatus,
    RetentionDial,
    best_point,
    dial_retentions,
    dial_situation,
    dial_status,
    rating_habits,
)
from wordbot.domain.settings_menu import LearnerSettings, Screen
from wordbot.effects import EditPrompt
from wordbot.rendering.retention_dial import BEST_MARK, dial_text
from wordbot.rendering.settings import menu_text

FITTED = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
WEIGHTS = tuple(0.5 for _ in range(21))


def points(*rows):
    return tuple(DialPoint(r, reviews, recalled) for r, reviews, recalled in rows)


STANDARD = points(
    (0.80, 36_500, 7_300),  # 100 a day, 0.200 per review
    (0.85, 43_800, 7_665),  # 120 a day, 0.175
    (0.90, 58_400, 8_030),  # 160 a day, 0.1375
    (0.95, 91_250, 8_395),  # 250 a day, 0.092
)


def situation(**changes) -> DialSituation:
    base = DialSituation(
        fitted_at=None,
        fitted_on_reviews=None,
        deck_size=1000,
        new_cards_per_day=20,
        retentions=(0.80, 0.85, 0.90, 0.95),
    )
    return replace(base, **changes)


def dial(rows=STANDARD, **changes) -> RetentionDial:
    return RetentionDial(
        situation(retentions=tuple(p.retention for p in rows), **changes), rows, NOW
    )


# --- which retentions, which is best -----------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "shown"),
    [
        (0.90, (0.80, 0.85, 0.90, 0.95)),
        (0.80, (0.80, 0.85, 0.90, 0.95)),
        (0.95, (0.80, 0.85, 0.90, 0.95)),
        (0.92, (0.80, 0.85, 0.90, 0.92, 0.95)),
        (0.97, (0.80, 0.85, 0.90, 0.95, 0.97)),
        (0.81, (0.80, 0.81, 0.85, 0.90, 0.95)),
        (0.8999999, (0.80, 0.85, 0.90, 0.95)),  # float noise from ±1 % steps
    ],
)
def test_the_dial_shows_the_four_retentions_and_the_learners_own(current, shown):
    assert dial_retentions(current) == pytest.approx(shown)


@pytest.mark.parametrize(
    ("rows", "best"),
    [
        (STANDARD, 0.80),
        # knowledge per review peaks inside the range
        (points((0.80, 1000, 100), (0.85, 1000, 150), (0.90, 2000, 200)), 0.85),
        # a tie goes to the higher retention: as efficient, more remembered
        (points((0.80, 1000, 100), (0.85, 2000, 200)), 0.85),
        (points((0.90, 0, 0), (0.95, 10, 1)), 0.95),  # no reviews is no efficiency
        (points((0.90, 0, 0)), None),
        ((), None),
    ],
)
def test_the_best_point_has_the_most_knowledge_per_review(rows, best):
    found = best_point(rows)
    assert (found.retention if found else None) == best


# --- fresh, stale, missing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cached", "wanted", "status"),
    [
        (None, situation(), DialStatus.MISSING),
        (dial(), situation(), DialStatus.FRESH),
        (dial(), situation(fitted_at=FITTED), DialStatus.MISSING),  # new parameters
        (dial(fitted_at=FITTED), situation(), DialStatus.MISSING),  # back to the defaults
        (dial(fitted_at=FITTED), situation(fitted_at=FITTED), DialStatus.FRESH),
        (
            dial(fitted_at=FITTED),
            situation(fitted_at=FITTED + timedelta(days=7)),
            DialStatus.MISSING,
        ),
        (dial(), situation(new_cards_per_day=10), DialStatus.STALE),
        (dial(), situation(deck_size=1100), DialStatus.FRESH),  # within 10 %
        (dial(), situation(deck_size=1101), DialStatus.STALE),
        (dial(), situation(deck_size=899), DialStatus.STALE),
        (dial(deck_size=100), situation(deck_size=110), DialStatus.FRESH),  # 10 words slack
        (dial(), situation(retentions=(0.80, 0.85, 0.90, 0.93, 0.95)), DialStatus.STALE),
        (dial(rows=()), situation(), DialStatus.MISSING),
    ],
)
def test_a_cached_dial_is_fresh_stale_or_missing(cached, wanted, status):
    assert dial_status(cached, wanted) is status


@pytest.mark.parametrize(
    ("parameters", "fitted_at", "words", "new", "expected"),
    [
        (None, None, 1000, 20, (None, None, 1000, 20)),
        (WEIGHTS, FITTED, 1000, 20, (FITTED, 640, 1000, 20)),
        # a fit that gave nothing usable: the defaults, whatever the fit time says
        (None, FITTED, 1000, 20, (None, None, 1000, 20)),
        (None, None, 3, 20, (None, None, MIN_DIAL_DECK, 20)),
        (None, None, 1000, 0, (None, None, 1000, 20)),  # 0 new a day would simulate nothing
        (None, None, 1000, 100, (None, None, 1000, 100)),
    ],
)
def test_the_situation_is_the_learners_own(parameters, fitted_at, words, new, expected):
    found = dial_situation(
        parameters=parameters,
        fitted_at=fitted_at,
        fitted_on_reviews=640,
        word_count=words,
        new_cards_per_day=new,
        desired_retention=0.9,
    )
    assert (
        found.fitted_at,
        found.fitted_on_reviews,
        found.deck_size,
        found.new_cards_per_day,
    ) == expected
    assert found.days == 365


# --- the block ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "current", "lang", "lines"),
    [
        (
            DialShown(dial()),
            0.90,
            "en",
            [
                "<b>What each retention costs</b>",
                "A simulated year with 1,000 words, 20 new a day, default parameters. "
                "Reviews a day → words recalled at the end:",
                f"80%: 100 → 7,300 {BEST_MARK}",
                "85%: 120 → 7,665",
                "90%: 160 → 8,030 • yours",
                "95%: 250 → 8,395",
                f"{BEST_MARK} most words recalled per review",
            ],
        ),
        (
            DialShown(dial(fitted_at=FITTED, fitted_on_reviews=1234)),
            None,  # an SM-2 learner: no retention of theirs to mark
            "en",
            [
                "<b>What each retention costs</b>",
                "A simulated year with 1,000 words, 20 new a day, your parameters, fitted on "
                "1,234 reviews. Reviews a day → words recalled at the end:",
                f"80%: 100 → 7,300 {BEST_MARK}",
                "85%: 120 → 7,665",
                "90%: 160 → 8,030",
                "95%: 250 → 8,395",
                f"{BEST_MARK} most words recalled per review",
            ],
        ),
        (
            DialShown(dial(rows=points((0.80, 730, 95.4), (0.97, 1460, 99.6)), deck_size=100)),
            0.97,
            "ru",
            [
                "<b>Цена запоминания</b>",
                "Расчёт на год: 100 слов, новых в день — 20, стандартные параметры. "
                "Повторений в день → слов в памяти к концу года:",
                f"80%: 2 → 95 {BEST_MARK}",
                "97%: 4 → 100 • ваше",
                f"{BEST_MARK} больше всего слов в памяти на одно повторение",
            ],
        ),
        (
            DialShown(dial(rows=points((0.85, 912.5, 40), (0.90, 1095, 41)), deck_size=101)),
            0.85,
            "ru",
            [
                "<b>Цена запоминания</b>",
                "Расчёт на год: 101 слово, новых в день — 20, стандартные параметры. "
                "Повторений в день → слов в памяти к концу года:",
                f"85%: 2,5 → 40 {BEST_MARK} • ваше",
                "90%: 3 → 41",
                f"{BEST_MARK} больше всего слов в памяти на одно повторение",
            ],
        ),
        (
            DialShown(None),
            0.9,
            "en",
            ["⏳ Working out what each retention costs — open this again in a minute."],
        ),
        (
            DialShown(None),
            0.9,
            "ru",
            [
                "⏳ Считаю, во что обходится каждый уровень запоминания — загляните сюда через "
                "минуту."
            ],
        ),
    ],
)
def test_the_dial_block_reads(shown, current, lang, lines):
    assert dial_text(shown, current, lang=lang).split("\n") == lines


def test_the_learning_screen_marks_the_retention_only_for_fsrs_learners():
    fsrs = menu_text(LearnerSettings(), Screen.LEARNING, dial=DialShown(dial()))
    sm2 = menu_text(LearnerSettings(scheduler="sm2"), Screen.LEARNING, dial=DialShown(dial()))
    assert "• yours" in fsrs and "• yours" not in sm2
    assert "What each retention costs" in sm2
    assert "What each retention costs" not in menu_text(LearnerSettings(), Screen.LEARNING)


def test_the_block_stays_short_enough_for_a_phone():
    rows = points(*((r, 36_500, 7_300) for r in (0.80, 0.85, 0.90, 0.92, 0.95)))
    text = dial_text(DialShown(dial(rows=rows, deck_size=20_000)), 0.92, lang="ru")
    assert len(text.split("\n")) <= 8
    assert max(len(line) for line in text.split("\n")[2:-1]) <= 40  # the rows


# --- the Learning screen's decision ------------------------------------------------------------


def on_learning(**changes):
    return learner(
        settings_token="cur", settings_message_id=100, settings_screen="learning", **changes
    )


def test_the_learning_press_shows_the_cached_dial_and_a_missing_one_as_being_worked_out():
    facts = DialFacts(dial(), 1000)
    me = learner(settings_token="cur", settings_message_id=100, settings_screen="home")
    shown = decide_settings_press(
        Snapshot(me),
        press("st:learning:cur"),
        callback("st", "learning", "cur"),
        RULES,
        moment(),
        facts,
    )
    (edit,) = shown.owed
    assert isinstance(edit, EditPrompt) and "90%: 160 → 8,030 • yours" in edit.text
    missing = decide_settings_press(
        Snapshot(me),
        press("st:learning:cur"),
        callback("st", "learning", "cur"),
        RULES,
        moment(),
        DialFacts(None, 1000),
    )
    assert "Working out what each retention costs" in missing.owed[0].text


def test_a_retention_step_shows_the_dial_while_the_new_point_is_worked_out():
    """90 % → 91 %: the dial is for these parameters, so it stays on screen (without 91 %),
    and the learner, now at 91 %, wants it worked out again."""
    facts = DialFacts(dial(), 1000)
    t = decide_settings_press(
        Snapshot(on_learning()),
        press("st:retinc:cur"),
        callback("st", "retinc", "cur"),
        RULES,
        moment(),
        facts,
    )
    assert "85%: 120 → 7,665" in t.owed[0].text and "• yours" not in t.owed[0].text
    assert wants_dial(on_learning(desired_retention=0.91), facts)
    assert not wants_dial(on_learning(), facts)


@pytest.mark.parametrize(
    ("me", "facts", "shown", "wanted"),
    [
        (on_learning(), None, None, False),  # facts not read: no block
        (on_learning(), DialFacts(None, 0, available=False), None, False),  # no simulator
        (on_learning(), DialFacts(None, 10), DialShown(None), True),
        (on_learning(), DialFacts(dial(deck_size=MIN_DIAL_DECK), 10), "cached", False),
        (on_learning(new_cards_per_day=5), DialFacts(dial(), 1000), "cached", True),
        # new parameters: the old dial is not theirs any more
        (
            on_learning(fsrs_parameters=WEIGHTS, fitted_at=FITTED, fitted_on_reviews=500),
            DialFacts(dial(), 1000),
            DialShown(None),
            True,
        ),
        # elsewhere in /settings nothing is asked for
        (
            learner(settings_token="cur", settings_message_id=100, settings_screen="home"),
            DialFacts(None, 10),
            DialShown(None),
            False,
        ),
    ],
)
def test_what_the_screen_shows_and_asks_for(me, facts, shown, wanted):
    expected = DialShown(facts.dial) if shown == "cached" else shown
    assert dial_shown(me, facts) == expected
    assert wants_dial(me, facts) is wanted


@pytest.mark.parametrize(
    ("screen", "action", "reads"),
    [
        ("home", "learning", True),
        ("learning", "retinc", True),
        ("learning", "home", True),
        ("home", "cards", False),
        ("reminders", "home", False),
        (None, "learning", True),  # a stale menu: the decision answers, reading is harmless
    ],
)
def test_the_dial_is_read_only_for_presses_that_may_show_it(screen, action, reads):
    assert shows_dial(learner(settings_screen=screen), action) is reads


@pytest.mark.parametrize(
    ("counts", "first", "review"),
    [
        ({}, None, None),
        ({("new", 3): 49}, None, None),  # too few to say
        # 50 first grades, all Good: smoothed so Again/Hard/Easy stay possible
        ({("new", 3): 50}, (1 / 54, 1 / 54, 51 / 54, 1 / 54), None),
        (
            {
                ("new", 1): 10,
                ("new", 3): 40,
                ("review", 2): 5,
                ("review", 3): 80,
                ("review", 4): 15,
            },
            (11 / 54, 1 / 54, 41 / 54, 1 / 54),
            (6 / 103, 81 / 103, 16 / 103),
        ),
        # Again on a review is a lapse, not a habit among successes; learning grades don't count
        ({("review", 1): 500, ("learning", 3): 500, ("review", 3): 49}, None, None),
    ],
)
def test_rating_habits_come_from_enough_logged_grades(counts, first, review):
    habits = rating_habits(counts)
    assert habits.first == (pytest.approx(first) if first else None)
    assert habits.review == (pytest.approx(review) if review else None)
