"""Training against the real process: SIGKILL mid-session, restart, carry on exactly where you were."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.support.chat_steps import WAIT, add_pairs, next_prompt, press_and_see_edit
from tests.support.databases import BACKENDS
from wordbot.domain.fsrs_schedule import SchedulerConfig, fuzz_for, schedule_grade
from wordbot.domain.srs import CardSchedule, Grade

pytestmark = pytest.mark.e2e

USER = 2002
PAIRS = {f"word{n}": f"slovo{n}" for n in range(5)}


def expected(label, row):
    """What a grade does to a new card of a new (FSRS, SPEC §12) user, graded when the row
    says: (state, step, interval_days, reps); Easy's interval carries the card's own fuzz."""
    *_, reviewed_at, pair_id = row
    new = CardSchedule()
    after = schedule_grade(
        new, Grade(label.lower()), _utc(reviewed_at), SchedulerConfig(), fuzz_for(pair_id, new)
    )
    return (after.state.value, after.step, after.interval_days, after.reps)


def _utc(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


@pytest.fixture
def chat(emulator, bot):
    chat = emulator.private_chat(user_id=USER)
    add_pairs(chat, PAIRS)
    return chat


def word_of(prompt) -> str:
    """The pair (by word1) a prompt asks about, whichever direction it shows."""
    number = re.search(r"(?:word|slovo)(\d)", prompt.text)[1]
    return f"word{number}"


def grade(chat, prompt, label):
    """Press a grade and wait for the prompt's edit; returns the mark before the press."""
    since, edited = press_and_see_edit(chat, prompt, label)
    assert edited.text.endswith(f"→ {label}") and not edited.has_keyboard
    return since


def srs_rows(e2e_database):
    with e2e_database.connect() as db:
        rows = db.execute(
            "select word1, state, step, interval_days, reps, last_reviewed_at, id from word_pairs"
        ).fetchall()
    return {
        word: (state, step, interval, reps, reviewed, pair_id)
        for word, state, step, interval, reps, reviewed, pair_id in rows
    }


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_kill_between_grades_then_press_the_pre_restart_prompt(emulator, bot, chat, e2e_database):
    pressed: dict[str, str] = {}
    labels = iter(["Easy", "Good", "Again", "Hard", "Easy"])
    since = chat.mark()
    chat.send_text("/review")
    prompt = next_prompt(chat, since)
    for _ in range(2):
        label = next(labels)
        pressed[word_of(prompt)] = label
        prompt = next_prompt(chat, grade(chat, prompt, label))

    bot.wait_until_idle()  # the press is fully handled: kill between grades
    bot.kill()
    bot.start()

    while prompt is not None:  # the third prompt was sent before the kill
        label = next(labels)
        pressed[word_of(prompt)] = label
        since = grade(chat, prompt, label)
        if len(pressed) == 5:
            done = chat.wait_for_message(contains="Well done", since=since, timeout=WAIT)
            assert done.text == "Well done reviewing 5 cards."
            prompt = None
        else:
            prompt = next_prompt(chat, since)

    assert sorted(pressed) == sorted(PAIRS)
    bot.wait_until_idle()  # the last press is fully handled
    rows = srs_rows(e2e_database)
    for word, label in pressed.items():
        assert rows[word][:4] == expected(label, rows[word]), word
        assert rows[word][4] is not None
    with e2e_database.connect() as db:
        assert db.execute("select count(*) from training_sessions").fetchone() == (0,)
        assert db.execute("select count(*) from outbox").fetchone() == (0,)


def test_review_after_a_kill_resumes_the_same_card(emulator, bot, chat, e2e_database):
    since = chat.mark()
    chat.send_text("/review")
    first = next_prompt(chat, since)
    current = next_prompt(chat, grade(chat, first, "Good"))

    bot.wait_until_idle()
    bot.kill()
    bot.start()

    since = chat.mark()
    chat.send_text("/review")
    resumed = next_prompt(chat, since)
    assert resumed.message_id != current.message_id
    assert resumed.text == current.text
    old_copy = chat.wait_for_message(
        predicate=lambda m: m.message_id == current.message_id and not m.has_keyboard,
        since=since,
        timeout=WAIT,
    )
    assert old_copy.text == current.text
    nxt = next_prompt(chat, grade(chat, resumed, "Easy"))
    assert word_of(nxt) not in {word_of(first), word_of(current)}
    bot.wait_until_idle()
    rows = srs_rows(e2e_database)
    assert rows[word_of(first)][:4] == expected("Good", rows[word_of(first)])
    assert rows[word_of(current)][:4] == expected("Easy", rows[word_of(current)])
    assert sum(1 for row in rows.values() if row[4] is not None) == 2


def test_stale_prompt_from_a_finished_session_changes_nothing(emulator, bot, chat, e2e_database):
    since = chat.mark()
    chat.send_text("/getpair")
    prompt = next_prompt(chat, since)
    grade(chat, prompt, "Good")
    bot.wait_until_idle()
    before = srs_rows(e2e_database)
    query = chat.press_data(prompt, data=prompt.buttons[0][3].callback_data)
    assert (
        chat.wait_for_callback_answer(query, timeout=WAIT).text
        == "This button is no longer active."
    )
    assert srs_rows(e2e_database) == before


def test_kill_after_commit_before_sending_redelivers_without_applying_twice(
    emulator, bot, chat, e2e_database
):
    """The bot dies holding a committed grade: its edit is stuck in flight. After the restart
    Telegram delivers the press again (its confirmation may have been lost); it must not count
    twice, and the edit and the next prompt the commit owed still arrive."""
    since = chat.mark()
    chat.send_text("/review")
    prompt = next_prompt(chat, since)
    emulator.inject_timeout(method="editMessageText", seconds=30, count=1)
    calls_before = len(emulator.calls)
    query = chat.press(prompt, button="Easy")
    emulator.wait_for_call("answerCallbackQuery", since=calls_before, timeout=WAIT)
    bot.kill()
    emulator.clear_faults()

    since = chat.mark()
    emulator.redeliver(emulator.update_of_press(query))
    bot.start()
    edited = chat.wait_for_message(
        predicate=lambda m: m.message_id == prompt.message_id and m.text.endswith("→ Easy"),
        since=since,
        timeout=WAIT,
    )
    assert not edited.has_keyboard
    second = next_prompt(chat, since)
    assert "Card 2 of 5" in second.text
    bot.wait_until_idle()
    rows = srs_rows(e2e_database)
    assert rows[word_of(prompt)][:4] == expected("Easy", rows[word_of(prompt)])
    assert sum(1 for row in rows.values() if row[4] is not None) == 1
    with e2e_database.connect() as db:
        assert db.execute(
            "select current_index, reviewed_count from training_sessions"
        ).fetchone() == (1, 1)
