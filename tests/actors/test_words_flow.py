"""/words in the UserSession actor (SPEC §13): paging, search, card view, Edit, Delete, Reset,
Suspend, with an injected clock; hostile presses and texts."""

from __future__ import annotations

import pytest

from actors.messages import HandleUpdate, SessionKey
from actors.services import Services
from actors.user_session import UserSession
from storage import review_log
from storage.models import GameSession, ReviewLog, TrainingSession, User, WordPair
from tests.support.updates import UserUpdates
from wordbot.callback_data import encode_callback
from wordbot.config import Settings
from wordbot.domain.review_log import ReviewLogEntry
from wordbot.domain.words_menu import Verb, encode_action
from wordbot.effects import AnswerCallback, EditPrompt, RemoveKeyboard, SendText

USER = 91
OTHER = 92
KEY = SessionKey(USER, USER)
_user = UserUpdates(USER)
_other = UserUpdates(OTHER)
STALE = "This button is no longer active."


def new_actor(clock, outbound, key=KEY):
    return UserSession(key, Services(Settings(), clock, outbound))


def send(actor, incoming):
    actor.on_receive(HandleUpdate(actor.key, incoming))


@pytest.fixture
def actor(db, clock, outbound):
    actor = new_actor(clock, outbound)
    pairs = [f"w{n:02d}, s{n:02d}" for n in range(23)] + ["café, кофе", "<b>&amp, tag"]
    send(actor, _user.command("add", "\n".join(pairs)))
    return actor


def words_message(outbound):
    """(message id, text, keyboard) of the live /words message as the chat shows it now."""
    message_id, current = None, None
    counter = 99
    for effect in outbound.effects:
        if isinstance(effect, SendText):
            counter += 1
            if effect.keyboard and any(
                b.data.startswith("wd:") for row in effect.keyboard for b in row
            ):
                message_id, current = counter, (effect.text, effect.keyboard)
        elif isinstance(effect, EditPrompt) and effect.message_id == message_id:
            current = (effect.text, effect.keyboard)
        elif isinstance(effect, RemoveKeyboard) and effect.message_id == message_id:
            current = (current[0], None)
    return message_id, *current


def press(actor, outbound, label, updates=_user):
    message_id, _, keyboard = words_message(outbound)
    button = next(b for row in keyboard for b in row if b.text.startswith(label))
    send(actor, updates.press(message_id, button.data))
    return button.data


def last_answer(outbound):
    return [e for e in outbound.effects if isinstance(e, AnswerCallback)][-1]


def pair_id(word1):
    return WordPair.get((WordPair.user == USER) & (WordPair.word1 == word1)).id


def test_words_lists_ten_a_page_sorted_and_pages_in_place(actor, outbound):
    send(actor, _user.command("words"))
    message_id, text, keyboard = words_message(outbound)
    assert "📚 Your words: 25 · page 1 of 3" in text
    assert [row[0].text for row in keyboard[:10]][:2] == ["<b>&amp — tag", "café — кофе"]
    assert User.get_by_id(USER).words_message_id == message_id
    press(actor, outbound, "›")
    same_id, text, keyboard = words_message(outbound)
    assert same_id == message_id and "page 2 of 3" in text
    assert keyboard[0][0].text == "w08 — s08"
    press(actor, outbound, "›")
    assert "page 3 of 3" in words_message(outbound)[1]
    assert [b.text for b in words_message(outbound)[2][-1]] == ["‹", "3/3"]


def test_search_ignores_case_and_accents_and_escapes_the_query(actor, outbound):
    send(actor, _user.command("words", "CAFE"))
    _, text, keyboard = words_message(outbound)
    assert "Words containing <b>CAFE</b>: 1" in text
    assert keyboard[0][0].text == "café — кофе"
    send(actor, _user.command("words", "<b>&"))
    _, text, _ = words_message(outbound)
    assert "<b>&lt;b&gt;&amp;</b>: 1" in text


def test_a_new_words_message_retires_the_old_ones_buttons(actor, outbound):
    send(actor, _user.command("words"))
    old_id, _, old_keyboard = words_message(outbound)
    send(actor, _user.command("words", "w1"))
    assert RemoveKeyboard(USER, old_id) in outbound.effects
    send(actor, _user.press(old_id, old_keyboard[0][0].data))
    assert last_answer(outbound).text == STALE


def test_card_view_reset_and_suspend(actor, outbound, clock):
    target = pair_id("w00")
    WordPair.update(state="review", reps=4, lapses=2, interval_days=9).where(
        WordPair.id == target
    ).execute()
    send(actor, _user.command("words", "w00"))
    press(actor, outbound, "w00")
    _, text, keyboard = words_message(outbound)
    assert "State: review" in text and "Reviews: 4 · Lapses: 2" in text
    assert "Suspended: no" in text
    press(actor, outbound, "⏸ Suspend")
    assert WordPair.get_by_id(target).suspended is True
    assert "Suspended: yes" in words_message(outbound)[1]
    press(actor, outbound, "↺ Reset")
    row = WordPair.get_by_id(target)
    assert (row.state, row.reps, row.lapses, row.due_at) == ("new", 0, 0, None)
    assert "State: new" in words_message(outbound)[1]
    assert last_answer(outbound).text == "The card is new again."


def test_edit_takes_the_next_text_and_keeps_the_history(actor, outbound, clock):
    target = pair_id("w03")
    WordPair.update(state="review", reps=3).where(WordPair.id == target).execute()
    send(actor, _user.command("words", "w03"))
    press(actor, outbound, "w03")
    press(actor, outbound, "✏️ Edit")
    assert "Send the new pair" in words_message(outbound)[1]
    clock.advance(minutes=4)
    send(actor, _user.text("house, casa"))
    row = WordPair.get_by_id(target)
    assert (row.word1, row.word2, row.state, row.reps) == ("house", "casa", "review", 3)
    assert "<b>house</b> — casa" in words_message(outbound)[1]
    assert outbound.texts()[-1] == "Saved."


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        (" , casa", "Both sides need 1 to 200 characters"),
        ("house, " + "x" * 201, "Both sides need 1 to 200 characters"),
        ("   ", "Send one pair as"),
        ("a, b\nc, d", "Send exactly one pair"),
        ("w05, other", "You already have a pair for <b>w05</b>"),
    ],
    ids=["empty_side", "over_long", "blank", "two_pairs", "word1_taken"],
)
def test_a_bad_edit_changes_nothing_and_keeps_waiting(actor, outbound, typed, hint):
    target = pair_id("w04")
    send(actor, _user.command("words", "w04"))
    press(actor, outbound, "w04")
    press(actor, outbound, "✏️ Edit")
    send(actor, _user.text(typed))
    assert hint in outbound.texts()[-1]
    assert WordPair.get_by_id(target).word2 == "s04"
    send(actor, _user.text("w04, fixed"))
    assert WordPair.get_by_id(target).word2 == "fixed"


def test_an_edit_after_five_minutes_is_just_a_text(actor, outbound, clock):
    send(actor, _user.command("words", "w04"))
    press(actor, outbound, "w04")
    press(actor, outbound, "✏️ Edit")
    clock.advance(minutes=5, seconds=1)
    send(actor, _user.text("w04, late"))
    assert WordPair.get_by_id(pair_id("w04")).word2 == "s04"


def test_a_command_ends_a_waiting_edit(actor, outbound):
    send(actor, _user.command("words", "w04"))
    press(actor, outbound, "w04")
    press(actor, outbound, "✏️ Edit")
    send(actor, _user.command("help"))
    send(actor, _user.text("w04, after help"))
    assert WordPair.get_by_id(pair_id("w04")).word2 == "s04"


def test_delete_asks_names_the_pair_and_removes_it_with_its_history(actor, outbound, clock):
    target = pair_id("w07")
    review_log.add_review(ReviewLogEntry(USER, target, 3, clock.now(), "new", 0.0, 0.0, "sm2"))
    send(actor, _user.command("words", "w07"))
    press(actor, outbound, "w07")
    press(actor, outbound, "🗑 Delete")
    _, text, _ = words_message(outbound)
    assert text.startswith("Delete <b>w07</b> — s07?")
    press(actor, outbound, "🗑 Delete")
    assert WordPair.get_or_none(WordPair.id == target) is None
    assert ReviewLog.select().where(ReviewLog.pair == target).count() == 0
    assert last_answer(outbound).text == "Deleted."
    assert "No words contain" in words_message(outbound)[1]


def test_a_stale_delete_confirmation_deletes_nothing(actor, outbound, clock):
    target = pair_id("w07")
    send(actor, _user.command("words", "w07"))
    press(actor, outbound, "w07")
    press(actor, outbound, "🗑 Delete")
    message_id, _, keyboard = words_message(outbound)
    clock.advance(minutes=10, seconds=1)
    send(actor, _user.press(message_id, keyboard[0][0].data))
    assert WordPair.get_or_none(WordPair.id == target) is not None
    assert last_answer(outbound).text == "That confirmation expired. Press Delete again."
    send(actor, _user.press(message_id, keyboard[0][0].data))  # pressed again: stale
    assert last_answer(outbound).text == STALE
    assert WordPair.get_or_none(WordPair.id == target) is not None


def test_another_users_press_and_forged_ids_touch_nothing(actor, outbound, clock, db):
    send(actor, _user.command("words", "w07"))
    message_id, _, keyboard = words_message(outbound)
    intruder = new_actor(clock, outbound, SessionKey(OTHER, OTHER))
    send(intruder, _other.press(message_id, keyboard[0][0].data))  # the owner's button
    assert last_answer(outbound).text == STALE
    victim = pair_id("w08")
    send(intruder, _other.command("words"))
    other = User.get_by_id(OTHER)
    forged = encode_callback("wd", encode_action(Verb.OPEN, victim), other.words_token)
    send(intruder, _other.press(other.words_message_id, forged))  # open someone else's pair
    assert last_answer(outbound).text == "That pair no longer exists."
    assert all("w08" not in text for text in outbound.texts(OTHER))
    assert all(
        "w08" not in e.text
        for e in outbound.effects
        if isinstance(e, EditPrompt) and e.chat_id == OTHER
    )
    assert WordPair.get_by_id(victim).word2 == "s08"


def test_deleting_the_current_cards_pair_moves_the_session_on(actor, outbound):
    send(actor, _user.command("review"))
    session = TrainingSession.get(TrainingSession.user_id == USER)
    current = session.pair_ids[0]
    prompt_id = session.current_message_id
    word1 = WordPair.get_by_id(current).word1
    send(actor, _user.command("words", word1))
    press(actor, outbound, word1)
    press(actor, outbound, "🗑 Delete")
    press(actor, outbound, "🗑 Delete")
    assert RemoveKeyboard(USER, prompt_id) in outbound.effects
    moved = TrainingSession.get(TrainingSession.user_id == USER)
    assert current not in moved.pair_ids and moved.current_index == 0
    assert moved.current_message_id not in (None, prompt_id)


def test_deleting_a_pair_of_the_game_deck_skips_it(actor, outbound):
    send(actor, _user.command("game"))
    game = GameSession.get(GameSession.user_id == USER)
    later = next(
        card["pair_id"] for card in game.deck[1:] if card["pair_id"] != game.deck[0]["pair_id"]
    )
    word1 = WordPair.get_by_id(later).word1
    send(actor, _user.command("words", word1))
    press(actor, outbound, word1)
    press(actor, outbound, "🗑 Delete")
    press(actor, outbound, "🗑 Delete")
    after = GameSession.get(GameSession.user_id == USER)
    assert all(card["pair_id"] != later for card in after.deck)
    assert after.current_message_id == game.current_message_id
