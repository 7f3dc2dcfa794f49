"""FSRS against the real process (SPEC §12): a new user's grade buttons carry their intervals,
each grade writes one review_log row, and a SIGKILL right after a grade plus Telegram
delivering the press again still leaves one row."""

from __future__ import annotations

import re

import pytest

from tests.support.chat_steps import WAIT, add_pairs, next_prompt, press_and_see_edit
from tests.support.databases import BACKENDS

pytestmark = pytest.mark.e2e

USER = 2112
PAIRS = {f"word{n}": f"slovo{n}" for n in range(3)}
LABEL = re.compile(r"^(Again|Hard|Good|Easy) · \d+(\.\d)?(m|h|d|mo|y)$")


@pytest.fixture
def chat(emulator, bot):
    chat = emulator.private_chat(user_id=USER)
    add_pairs(chat, PAIRS)
    return chat


def review_rows(e2e_database):
    with e2e_database.connect() as db:
        return db.execute(
            "select user_id, rating, state_before, scheduler from review_log order by id"
        ).fetchall()


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_a_new_users_prompt_shows_intervals_and_a_grade_logs_one_row(
    emulator, bot, chat, e2e_database
):
    since = chat.mark()
    chat.send_text("/review")
    prompt = next_prompt(chat, since)
    labels = [button.text for button in prompt.buttons[0]]
    assert labels[:3] == ["Again · 1m", "Hard · 6m", "Good · 10m"]
    assert all(LABEL.match(label) for label in labels), labels
    _, edited = press_and_see_edit(chat, prompt, "Good")
    assert edited.text.endswith("→ Good") and not edited.has_keyboard
    bot.wait_until_idle()
    assert review_rows(e2e_database) == [(USER, 3, "new", "fsrs")]
    with e2e_database.connect() as db:
        (state, fsrs_state, fsrs_step) = db.execute(
            "select state, fsrs_state, fsrs_step from word_pairs where last_reviewed_at is not null"
        ).fetchone()
    assert (state, fsrs_state, fsrs_step) == ("learning", "learning", 1)


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_a_kill_right_after_a_grade_and_the_redelivered_press_still_log_one_row(
    emulator, bot, chat, e2e_database
):
    since = chat.mark()
    chat.send_text("/review")
    prompt = next_prompt(chat, since)
    emulator.inject_timeout(method="editMessageText", seconds=30, count=1)
    calls_before = len(emulator.calls)
    query = chat.press(prompt, button="Easy")
    emulator.wait_for_call("answerCallbackQuery", since=calls_before, timeout=WAIT)
    bot.kill()  # the grade is committed; its edit is still in flight
    emulator.clear_faults()
    assert review_rows(e2e_database) == [(USER, 4, "new", "fsrs")]

    since = chat.mark()
    emulator.redeliver(emulator.update_of_press(query))
    bot.start()
    chat.wait_for_message(
        predicate=lambda m: m.message_id == prompt.message_id and m.text.endswith("→ Easy"),
        since=since,
        timeout=WAIT,
    )
    second = next_prompt(chat, since)
    assert "Card 2 of 3" in second.text
    bot.wait_until_idle()
    assert review_rows(e2e_database) == [(USER, 4, "new", "fsrs")]


def _menu(chat):
    """The settings menu as it is now: the newest bot message still showing buttons."""
    shown = [m for m in chat.bot_messages() if m.buttons]
    return chat.message(shown[-1].message_id)


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_the_learning_screen_shows_the_retention_dial_once_the_worker_has_run(
    emulator, bot, chat, e2e_database
):
    """SPEC §12: the first visit says the dial is being worked out (in the background); once
    the worker has run, the screen shows it, the learner's retention and the ★ marked."""
    other = emulator.private_chat(user_id=USER + 1)
    chat.send_text("/settings")
    bot.wait_until_idle()
    _, first = press_and_see_edit(chat, _menu(chat), "Learning")
    assert "Working out what each retention costs" in first.text
    bot.wait_until_idle()  # and the dial the Learning screen asked for
    press_and_see_edit(chat, _menu(chat), "« Back")
    _, shown = press_and_see_edit(chat, _menu(chat), "Learning")
    lines = shown.text.split("\n")
    assert "What each retention costs" in shown.text and "default parameters" in shown.text
    rows = [line for line in lines if re.match(r"^\d\d%: [\d.,]+ → [\d,]+", line)]
    assert [row[:3] for row in rows] == ["80%", "85%", "90%", "95%"], shown.text
    assert sum("★" in row for row in rows) == 1 and rows[2].endswith("• yours")
    print(shown.text)  # the README's sample (pytest -s)
    with e2e_database.connect() as db:
        owners = db.execute("select user_id, deck_size from retention_dials").fetchall()
    assert owners == [(USER, 100)]  # 3 words: the smallest deck a dial simulates

    # another learner opening the screen sees no figures of the first one's
    other.send_text("/settings")
    bot.wait_until_idle()
    _, theirs = press_and_see_edit(other, _menu(other), "Learning")
    assert "Working out what each retention costs" in theirs.text
    bot.wait_until_idle()
