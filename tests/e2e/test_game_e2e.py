"""/game against the real process: right, wrong and 👀 answers, SIGKILL mid-game, resume, finish."""

from __future__ import annotations

import re

import pytest

from tests.support.chat_steps import WAIT, add_pairs
from tests.support.databases import BACKENDS

pytestmark = pytest.mark.e2e

USER = 3003
PAIRS = {"house": "casa", "dog": "perro", "école": "школа", "tree": "árbol", "sun": "sol"}
TRANSLATION = {**PAIRS, **{b: a for a, b in PAIRS.items()}}


@pytest.fixture
def chat(emulator, bot):
    chat = emulator.private_chat(user_id=USER)
    add_pairs(chat, PAIRS)
    return chat


def shown(prompt) -> str:
    return re.fullmatch(r"Translate: (.+) → \?", prompt.text)[1]


def prompt_after(chat, since):
    return chat.wait_for_message(
        predicate=lambda m: m.event == "sent" and m.text.startswith("Translate:"),
        since=since,
        timeout=WAIT,
    )


def play(chat, prompt, move):
    """Answer a prompt ("right", "wrong" or "peek"); returns the chat mark before the move."""
    since = chat.mark()
    if move == "peek":
        chat.press(prompt, button="👀")
    else:
        answer = TRANSLATION[shown(prompt)]
        chat.send_text(answer.upper() + "!" if move == "right" else "no idea")
    mark = {"right": "✅", "wrong": "❌", "peek": "👀"}[move]
    chat.wait_for_message(
        predicate=lambda m: m.message_id == prompt.message_id and m.text.endswith(mark),
        since=since,
        timeout=WAIT,
    )
    return since


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_play_kill_resume_and_finish(emulator, bot, chat, e2e_database):
    moves = []
    since = chat.mark()
    chat.send_text("/game")
    prompt = prompt_after(chat, since)
    for move in ["right", "wrong", "peek", "right"]:
        moves.append(move)
        prompt = prompt_after(chat, play(chat, prompt, move))

    bot.wait_until_idle()
    bot.kill()
    bot.start()

    since = chat.mark()
    chat.send_text("/game")
    resumed = prompt_after(chat, since)
    assert resumed.text == prompt.text and resumed.message_id != prompt.message_id
    assert [b.text for b in resumed.flat_buttons()] == ["👀", "New game"]
    prompt = resumed
    while True:
        moves.append("right")
        since = play(chat, prompt, "right")
        over = chat.wait_for_message(
            predicate=lambda m: (
                m.event == "sent"
                and (m.text.startswith("Translate:") or m.text.startswith("Game over!"))
            ),
            since=since,
            timeout=WAIT,
        )
        if over.text.startswith("Game over!"):
            break
        prompt = over

    correct, attempted = moves.count("right"), len(moves)
    assert correct == 10  # five pairs, both directions, each answered right once
    accuracy = (200 * correct + attempted) // (2 * attempted)
    assert over.text == (
        f"Game over!\nYou got {correct} correct answers.\n"
        f"Accuracy: {accuracy}% ({correct}/{attempted})"
    )
    bot.wait_until_idle()
    with e2e_database.connect() as db:
        assert db.execute(
            "select reason, correct, attempted from game_session_statistics"
        ).fetchall() == [("finished", correct, attempted)]
        assert db.execute("select count(*) from game_sessions").fetchone() == (0,)


def test_a_game_that_idled_out_while_the_bot_was_down_ends_at_start_up(
    emulator, bot, chat, e2e_database
):
    since = chat.mark()
    chat.send_text("/game")
    prompt = prompt_after(chat, since)
    play(chat, prompt, "wrong")
    bot.wait_until_idle()
    bot.kill()
    with e2e_database.connect() as db:  # the idle time passes while it is down
        db.execute("update game_sessions set expires_at = '2000-01-01 00:00:00'")
    since = chat.mark()
    bot.start()
    summary = chat.wait_for_message(contains="Time's up", since=since, timeout=WAIT)
    assert summary.text.endswith("Game over!\nYou got 0 correct answers.\nAccuracy: 0% (0/1)")
    bot.wait_until_idle()
    with e2e_database.connect() as db:
        assert db.execute("select reason, attempted from game_session_statistics").fetchall() == [
            ("timeout", 1)
        ]
