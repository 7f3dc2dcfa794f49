"""SPEC §13 against the real process: undo of a grade (also across a SIGKILL), /words paging,
search, Edit and Delete, and forgiving /game answers."""

from __future__ import annotations

import re

import pytest

from tests.support.chat_steps import WAIT, add_pairs, next_prompt, press_and_see_edit
from tests.support.databases import BACKENDS

pytestmark = pytest.mark.e2e

USER = 4101
OTHER = 4102
STALE = "This button is no longer active."
COLUMNS = "state, due_at, last_reviewed_at, interval_days, ease, step, reps, lapses"


def card_rows(e2e_database):
    with e2e_database.connect() as db:
        rows = db.execute(f"select word1, {COLUMNS} from word_pairs").fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def word_of(prompt) -> str:
    return "word" + re.search(r"(?:word|slovo)(\d+)", prompt.text)[1]


def edit_of(chat, message, since, predicate=lambda m: True):
    return chat.wait_for_message(
        predicate=lambda m: (
            m.message_id == message.message_id and m.event == "edited" and predicate(m)
        ),
        since=since,
        timeout=WAIT,
    )


def answer_to(chat, query):
    return chat.wait_for_callback_answer(query, timeout=WAIT).text


@pytest.fixture
def chat(emulator, bot):
    chat = emulator.private_chat(user_id=USER)
    add_pairs(chat, {f"word{n}": f"slovo{n}" for n in range(3)})
    return chat


# --- undo ----------------------------------------------------------------------------------------


def test_grade_undo_then_grade_again(emulator, bot, chat, e2e_database):
    since = chat.mark()
    chat.send_text("/review")
    first = next_prompt(chat, since)
    before = card_rows(e2e_database)[word_of(first)]
    since, _ = press_and_see_edit(chat, first, "Easy")
    second = next_prompt(chat, since)
    assert [[b.text for b in row] for row in second.buttons][1] == ["↩ Undo"]

    intruder = chat.press(second, button="↩ Undo", user_id=OTHER)  # someone else's press
    assert answer_to(chat, intruder) == STALE

    since = chat.mark()
    chat.press(second, button="↩ Undo")
    restored = edit_of(chat, second, since, lambda m: m.text == first.text)
    grades = [b.text.split(" · ")[0] for b in restored.buttons[0]]  # "Good · 10m"
    assert grades == ["Again", "Hard", "Good", "Easy"]
    assert len(restored.buttons) == 1
    marked = edit_of(chat, first, since, lambda m: "(undone)" in m.text)
    assert marked.text.endswith("→ Easy (undone)") and not marked.has_keyboard
    bot.wait_until_idle()
    assert card_rows(e2e_database)[word_of(first)] == before

    since, edited = press_and_see_edit(chat, restored, "Good")
    assert edited.text.endswith("→ Good")
    third = next_prompt(chat, since)
    assert "Card 2 of 3" in third.text and word_of(third) != word_of(first)
    bot.wait_until_idle()
    assert card_rows(e2e_database)[word_of(first)][0] == "learning"


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_kill_right_after_a_grade_then_undo_works_exactly_once(emulator, bot, chat, e2e_database):
    since = chat.mark()
    chat.send_text("/review")
    first = next_prompt(chat, since)
    before = card_rows(e2e_database)[word_of(first)]
    since, _ = press_and_see_edit(chat, first, "Hard")
    second = next_prompt(chat, since)
    bot.wait_until_idle()
    bot.kill()
    bot.start()

    since = chat.mark()
    once = chat.press(second, button="↩ Undo")
    assert answer_to(chat, once) is None
    edit_of(chat, second, since, lambda m: m.text == first.text)
    twice = chat.press_data(second, data=second.buttons[1][0].callback_data)
    assert answer_to(chat, twice) == STALE
    bot.wait_until_idle()
    assert card_rows(e2e_database)[word_of(first)] == before
    with e2e_database.connect() as db:
        assert db.execute(
            "select current_index, reviewed_count from training_sessions"
        ).fetchone() == (0, 0)
        assert db.execute("select count(*) from users where undo is not null").fetchone() == (0,)


def test_undo_on_well_done_reopens_the_session(emulator, bot, chat, e2e_database):
    since = chat.mark()
    chat.send_text("/review")
    prompt = next_prompt(chat, since)
    for _ in range(2):
        since, _ = press_and_see_edit(chat, prompt, "Easy")
        prompt = next_prompt(chat, since)
    since, _ = press_and_see_edit(chat, prompt, "Easy")
    done = chat.wait_for_message(contains="Well done", since=since, timeout=WAIT)
    assert done.text == "Well done reviewing 3 cards." and done.buttons[0][0].text == "↩ Undo"
    since = chat.mark()
    chat.press(done, button="↩ Undo")
    reopened = edit_of(chat, done, since, lambda m: m.text == prompt.text)
    since, _ = press_and_see_edit(chat, reopened, "Good")
    assert chat.wait_for_message(contains="Well done", since=since, timeout=WAIT)


# --- /words --------------------------------------------------------------------------------------


def words_message(chat, since, contains):
    return chat.wait_for_message(
        predicate=lambda m: m.event == "sent" and contains in m.text, since=since, timeout=WAIT
    )


def test_words_paging_search_and_edit(emulator, bot, e2e_database):
    chat = emulator.private_chat(user_id=USER)
    pairs = {f"w{n:02d}": f"s{n:02d}" for n in range(12)}
    pairs["<b>&amp"] = "tag & co"
    add_pairs(chat, pairs)

    since = chat.mark()
    chat.send_text("/words")
    listed = words_message(chat, since, "Your words: 13")
    assert "page 1 of 2" in listed.text
    since = chat.mark()
    chat.press(listed, button="›")
    second = edit_of(chat, listed, since, lambda m: "page 2 of 2" in m.text)
    assert [row[0].text for row in second.buttons[:3]] == ["w09 — s09", "w10 — s10", "w11 — s11"]

    since = chat.mark()
    chat.send_text("/words <b>&")
    found = words_message(chat, since, "Words containing")
    assert found.text.startswith("🔎 Words containing <b>&: 1")
    assert "<b>&amp — tag & co" in found.text
    since = chat.mark()
    chat.press(found, button="<b>&amp — tag & co")
    card = edit_of(chat, found, since, lambda m: "State: new" in m.text)
    since = chat.mark()
    chat.press(card, button="✏️ Edit")
    edit_of(chat, found, since, lambda m: "Send the new pair" in m.text)
    since = chat.mark()
    chat.send_text("ampersand, y")
    edited = edit_of(chat, found, since, lambda m: m.text.startswith("ampersand — y"))
    assert [b.text for b in edited.buttons[0]] == ["✏️ Edit", "🗑 Delete"]
    chat.wait_for_message(contains="Saved.", since=since, timeout=WAIT)
    bot.wait_until_idle()
    rows = card_rows(e2e_database)
    assert "ampersand" in rows and "<b>&amp" not in rows


def test_delete_with_confirmation_in_a_live_session(emulator, bot, chat, e2e_database):
    since = chat.mark()
    chat.send_text("/review")
    prompt = next_prompt(chat, since)
    doomed = word_of(prompt)

    since = chat.mark()
    chat.send_text(f"/words {doomed}")
    listed = words_message(chat, since, "Words containing")
    since = chat.mark()
    chat.press(listed, button=f"{doomed} — slovo{doomed[4:]}")
    edit_of(chat, listed, since, lambda m: "State:" in m.text)
    since = chat.mark()
    chat.press(listed, button="🗑 Delete")
    confirm = edit_of(chat, listed, since, lambda m: m.text.startswith("Delete"))
    assert confirm.text.startswith(f"Delete {doomed} — slovo{doomed[4:]}?")
    since = chat.mark()
    query = chat.press(confirm, button="🗑 Delete")
    assert answer_to(chat, query) == "Deleted."
    stripped = edit_of(chat, prompt, since, lambda m: not m.has_keyboard)
    assert stripped.text == prompt.text
    again = chat.press_data(confirm, data=confirm.buttons[0][0].callback_data)
    assert answer_to(chat, again) == STALE

    served = []
    prompt = next_prompt(chat, since)
    while True:
        served.append(word_of(prompt))
        since, _ = press_and_see_edit(chat, prompt, "Easy")
        if len(served) == 2:
            break
        prompt = next_prompt(chat, since)
    assert doomed not in served
    since = chat.mark()
    chat.send_text("/game")
    for _ in range(4):
        game_prompt = chat.wait_for_message(
            predicate=lambda m: m.event == "sent" and m.text.startswith("Translate:"),
            since=since,
            timeout=WAIT,
        )
        assert doomed not in game_prompt.text and f"slovo{doomed[4:]}" not in game_prompt.text
        since = chat.mark()
        chat.press(game_prompt, button="👀")
    bot.wait_until_idle()
    assert doomed not in card_rows(e2e_database)


# --- forgiving answers ---------------------------------------------------------------------------


def test_game_accepts_a_typo_and_refuses_a_short_near_miss(emulator, bot, e2e_database):
    chat = emulator.private_chat(user_id=USER)
    add_pairs(chat, {"phone": "telefono", "house": "casa"})
    since = chat.mark()
    chat.send_text("/game")
    missed_casa = False
    while True:
        prompt = chat.wait_for_message(
            predicate=lambda m: (
                m.event == "sent" and (m.text.startswith("Translate:") or "Game over!" in m.text)
            ),
            since=since,
            timeout=WAIT,
        )
        if "Game over!" in prompt.text:
            break
        shown = re.fullmatch(r"Translate: (.+) → \?", prompt.text)[1]
        since = chat.mark()
        if shown == "phone":
            chat.send_text("Telefon")
            edit_of(chat, prompt, since, lambda m: m.text.endswith("✅ Almost: telefono"))
        elif shown == "house" and not missed_casa:
            missed_casa = True
            chat.send_text("cas")
            edit_of(chat, prompt, since, lambda m: m.text.endswith("❌"))
        else:
            chat.send_text({"house": "casa", "telefono": "phone", "casa": "house"}[shown])
            edit_of(chat, prompt, since, lambda m: m.text.endswith("✅"))
    assert missed_casa
    assert "Accuracy: 80% (4/5)" in prompt.text
