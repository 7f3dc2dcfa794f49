"""/game in the UserSession actor with an injected clock: answers, 👀, resume, idle end, statistics."""

from __future__ import annotations

import itertools

import pytest

from actors.messages import EndIdleGame, HandleUpdate, SessionKey
from actors.services import Services
from actors.user_session import UserSession
from storage import game, inbox
from storage.models import GameSession as GameRow
from storage.models import GameSessionStatistics, WordPair
from tests.support.updates import UserUpdates
from wordbot.config import Settings
from wordbot.domain.game import Direction
from wordbot.effects import EditPrompt, SendText

USER = 88
KEY = SessionKey(USER, USER)
_ids = itertools.count(1)
_user = UserUpdates(USER)
command = _user.command
text = _user.text
press = _user.press
PAIRS = {"house": "casa", "dog": "perro", "(to) run": "correr", "café": "кофе, кофей"}


def new_actor(clock, outbound):
    return UserSession(KEY, Services(Settings(), clock, outbound))


@pytest.fixture
def actor(db, clock, outbound):
    actor = new_actor(clock, outbound)
    send(actor, command("add", "\n".join(f"{a}; {b}" for a, b in PAIRS.items())))
    return actor


def send(actor, incoming):
    actor.on_receive(HandleUpdate(KEY, incoming))


def expected_answer():
    session = game.load_game(USER, USER)
    card = session.current_card
    pair = WordPair.get_by_id(card.pair_id)
    return pair.word2 if card.direction is Direction.FORWARD else pair.word1


def last_prompt(outbound):
    message_id, found = 99, None
    for effect in outbound.effects:
        if isinstance(effect, SendText):
            message_id += 1
            if effect.keyboard:
                found = (message_id, effect)
    return found


def row():
    return GameRow.get_or_none(GameRow.user_id == USER)


def test_game_starts_with_a_deck_of_two_cards_per_pair(actor, outbound):
    send(actor, command("game"))
    saved = row()
    assert len(saved.deck) == 8
    assert sorted((c["pair_id"], c["direction"]) for c in saved.deck) == sorted(
        (p.id, d) for p in WordPair.select() for d in ("forward", "backward")
    )
    message_id, prompt = last_prompt(outbound)
    assert prompt.text.startswith("Translate: <b>") and prompt.text.endswith("</b> → ?")
    assert [b.text for b in prompt.keyboard[0]] == ["👀"]
    assert saved.current_message_id == message_id
    assert GameSessionStatistics.get_by_id(saved.statistics_id).ended_at is None


def test_a_right_answer_removes_the_card_and_is_persisted(actor, outbound):
    send(actor, command("game"))
    message_id, _ = last_prompt(outbound)
    send(actor, text("  " + expected_answer().upper().split(",")[0] + "!"))
    saved = row()
    assert (saved.score_correct, saved.score_attempted, len(saved.deck)) == (1, 1, 7)
    edit = next(e for e in outbound.effects if isinstance(e, EditPrompt))
    assert edit.message_id == message_id and edit.text.endswith("✅") and edit.keyboard is None
    assert saved.current_message_id == last_prompt(outbound)[0] != message_id


def test_a_wrong_answer_requeues_the_card_at_the_back(actor, outbound):
    send(actor, command("game"))
    first = row().deck[0]
    send(actor, text("definitely wrong"))
    saved = row()
    assert saved.deck[-1] == first and len(saved.deck) == 8
    assert (saved.score_correct, saved.score_attempted) == (0, 1)
    assert next(e for e in outbound.effects if isinstance(e, EditPrompt)).text.endswith("❌")


def test_repeated_peek_presses_count_once(actor, outbound):
    send(actor, command("game"))
    message_id, prompt = last_prompt(outbound)
    peek = prompt.keyboard[0][0].data
    send(actor, press(message_id, peek))
    send(actor, press(message_id, peek))
    send(actor, press(message_id, peek))
    assert row().score_attempted == 1
    assert outbound.effects[-1].text == "This button is no longer active."


def test_full_game_summary_matches_what_happened(actor, outbound):
    send(actor, command("game"))
    send(actor, text("nope"))
    message_id, prompt = last_prompt(outbound)
    send(actor, press(message_id, prompt.keyboard[0][0].data))
    while row() is not None:
        send(actor, text(expected_answer()))
    assert outbound.texts()[-1] == "Game over!\nYou got 8 correct answers.\nAccuracy: 80% (8/10)"
    stats = GameSessionStatistics.get()
    assert (stats.reason, stats.correct, stats.attempted) == ("finished", 8, 10)


def test_game_while_active_resumes_the_same_card_with_the_score(actor, outbound, clock):
    send(actor, command("game"))
    send(actor, text(expected_answer()))
    before = row()
    old_id, old_prompt = last_prompt(outbound)
    restarted = new_actor(clock, outbound)
    send(restarted, command("game"))
    new_id, new_prompt = last_prompt(outbound)
    assert new_prompt.text == old_prompt.text and new_id != old_id
    assert [b.text for b in new_prompt.keyboard[0]] == ["👀", "New game"]
    after = row()
    assert (after.deck, after.score_correct, after.score_attempted) == (
        before.deck,
        before.score_correct,
        before.score_attempted,
    )
    send(restarted, text(expected_answer()))
    assert row().score_correct == 2


def test_game_new_replaces_the_active_game(actor, outbound):
    send(actor, command("game"))
    first_stats = row().statistics_id
    send(actor, command("game", "new"))
    assert row().statistics_id != first_stats
    assert GameSessionStatistics.get_by_id(first_stats).reason == "replaced"


def test_new_game_button_on_the_resumed_prompt(actor, outbound):
    send(actor, command("game"))
    first_stats = row().statistics_id
    send(actor, command("game"))
    message_id, prompt = last_prompt(outbound)
    send(actor, press(message_id, prompt.keyboard[0][1].data))
    assert row().statistics_id != first_stats
    assert row().score_attempted == 0


def test_idle_game_ends_by_timeout_through_the_actor(actor, outbound, clock):
    send(actor, command("game"))
    send(actor, text("wrong"))
    clock.advance(minutes=15)
    actor.on_receive(EndIdleGame(KEY))
    assert row() is None
    assert outbound.texts()[-1] == (
        "⏰ Time's up: no answer for 15 minutes.\nGame over!\n"
        "You got 0 correct answers.\nAccuracy: 0% (0/1)"
    )
    stats = GameSessionStatistics.get()
    assert (stats.reason, stats.attempted, stats.duration_seconds) == ("timeout", 1, 900)


def test_idle_time_that_passed_while_down_ends_the_game_at_the_next_event(
    db, actor, outbound, clock
):
    send(actor, command("game"))
    clock.advance(minutes=20)
    restarted = new_actor(clock, outbound)
    send(restarted, text("casa"))
    assert row() is None
    assert "Time's up" in outbound.texts()[-2]
    assert "/game" in outbound.texts()[-1]  # the text was no answer any more: a hint


def test_text_without_a_game_gets_a_hint(actor, outbound):
    send(actor, text("hello"))
    assert all(c in outbound.texts()[-1] for c in ("/review", "/game", "/add"))


def test_commands_are_never_answers(actor, outbound):
    send(actor, command("game"))
    send(actor, command("help"))
    assert row().score_attempted == 0


def test_no_words_no_game(db, clock, outbound):
    actor = new_actor(clock, outbound)
    send(actor, command("game"))
    assert "/add" in outbound.texts()[-1]
    assert row() is None


def test_a_redelivered_typed_answer_counts_once(actor, outbound, clock):
    """After a crash Telegram delivers the same update again; a typed answer has no token, but
    the inbox knows its update id, so it never reaches an actor twice."""
    send(actor, command("game"))
    answer = text(expected_answer())
    arrival = inbox.Arrival(answer.update_id, KEY.chat_id, KEY.user_id, {"update_id": 0})
    first = inbox.add_batch([arrival], clock.now())
    actor.on_receive(HandleUpdate(KEY, answer, entry_id=first.stored[0].entry_id))
    again = inbox.add_batch([arrival], clock.now())
    assert again.stored == [] and again.replays == 1
    assert (row().score_correct, row().score_attempted) == (1, 1)
    assert inbox.pending_entries() == []


def test_a_copy_of_the_current_game_prompt_left_by_a_crash_loses_its_buttons(actor, outbound):
    from wordbot.effects import RemoveKeyboard

    send(actor, command("game"))
    message_id, prompt = last_prompt(outbound)
    send(actor, press(message_id + 50, prompt.keyboard[0][0].data))
    assert outbound.effects[-1] == RemoveKeyboard(USER, message_id + 50)
    assert row().score_attempted == 0
