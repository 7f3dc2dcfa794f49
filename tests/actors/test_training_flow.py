"""Training in the UserSession actor with an injected clock: persistence, grading, resume, crashes."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from actors.messages import HandleUpdate, Recover, SessionKey
from actors.services import Services
from actors.user_session import UserSession
from storage import training
from storage.models import Outbox, ReviewLog, TrainingSession, WordPair
from tests.support.updates import UserUpdates, sent_prompts
from wordbot.config import Settings
from wordbot.effects import AnswerCallback, EditPrompt, RemoveKeyboard, SendText

USER = 77
KEY = SessionKey(USER, USER)
_ids = itertools.count(1)
_user = UserUpdates(USER)
command = _user.command
press = _user.press
prompts = sent_prompts


def new_actor(clock, outbound):
    return UserSession(KEY, Services(Settings(), clock, outbound))


@pytest.fixture
def actor(db, clock, outbound):
    actor = new_actor(clock, outbound)
    send(actor, command("add", "\n".join(f"word{n}, slovo{n}" for n in range(7))))
    return actor


def send(actor, incoming):
    actor.on_receive(HandleUpdate(KEY, incoming))


def grade_current(actor, outbound, grade="good"):
    message_id, prompt = prompts(outbound)[-1]
    button = next(b for b in prompt.keyboard[0] if b.data.split(":")[1] == grade)
    send(actor, press(message_id, button.data))
    return message_id


def row():
    return TrainingSession.get_or_none(TrainingSession.user_id == USER)


def test_review_starts_a_session_of_cards_per_session_and_writes_the_row(actor, outbound):
    send(actor, command("review"))
    saved = row()
    assert len(saved.pair_ids) == 5 and saved.current_index == 0 and saved.kind == "review"
    message_id, prompt = prompts(outbound)[-1]
    assert saved.current_message_id == message_id
    assert saved.current_prompt_text == prompt.text
    assert "<tg-spoiler>" in prompt.text and "Card 1 of 5" in prompt.text
    labels = [b.text for b in prompt.keyboard[0]]  # a new user schedules with FSRS (SPEC §12)
    assert labels[:3] == ["Again · 1m", "Hard · 6m", "Good · 10m"]
    assert labels[3].startswith("Easy · ") and labels[3].endswith("d")  # fuzzed per card


def test_getpair_is_a_one_card_session(actor, outbound):
    send(actor, command("getpair"))
    assert len(row().pair_ids) == 1
    grade_current(actor, outbound)
    assert row() is None
    assert not any("Well done" in t for t in outbound.texts())


def test_a_grade_updates_the_card_and_advances_in_storage(actor, outbound, clock):
    send(actor, command("review"))
    first = row()
    old_message = grade_current(actor, outbound, "good")
    pair = WordPair.get_by_id(first.pair_ids[0])
    assert (pair.state, pair.fsrs_state, pair.fsrs_step) == ("learning", "learning", 1)
    assert pair.last_reviewed_at == clock.now()
    (logged,) = ReviewLog.select().where(ReviewLog.pair == pair.id)
    assert (logged.rating, logged.state_before, logged.scheduler) == (3, "new", "fsrs")
    saved = row()
    assert saved.current_index == 1 and saved.reviewed_count == 1
    assert saved.current_token != first.current_token
    assert saved.current_message_id == prompts(outbound)[-1][0] != old_message
    edit = next(e for e in outbound.effects if isinstance(e, EditPrompt))
    assert edit.message_id == old_message and edit.keyboard is None
    assert edit.text.endswith("→ <b>Good</b>")
    assert Outbox.select().count() == 0  # delivered, so no longer owed


def test_completion_deletes_the_row_and_says_well_done(actor, outbound):
    send(actor, command("review"))
    for _ in range(5):
        grade_current(actor, outbound, "easy")
    assert row() is None
    assert outbound.texts()[-1] == "Well done reviewing 5 cards."
    assert WordPair.select().where(WordPair.state == "review").count() == 5


def test_a_new_actor_continues_at_the_same_card_and_accepts_the_old_prompt(
    db, actor, outbound, clock
):
    send(actor, command("review"))
    grade_current(actor, outbound)
    before = row()
    restarted = new_actor(clock, outbound)  # after a restart or passivation
    grade_current(restarted, outbound, "hard")
    after = row()
    assert after.current_index == before.current_index + 1
    assert WordPair.get_by_id(before.pair_ids[1]).state == "learning"


def test_review_while_active_resends_the_same_prompt_and_strips_the_old_copy(actor, outbound):
    send(actor, command("review"))
    grade_current(actor, outbound)
    old_id, old_prompt = prompts(outbound)[-1]
    send(actor, command("review"))
    new_id, new_prompt = prompts(outbound)[-1]
    assert new_id != old_id and new_prompt.text == old_prompt.text
    assert RemoveKeyboard(USER, old_id) in outbound.effects
    assert row().current_message_id == new_id and row().current_index == 1
    send(actor, press(old_id, old_prompt.keyboard[0][2].data))  # the old copy is stale now
    assert row().current_index == 1


@pytest.mark.parametrize(
    "forge",
    [
        lambda data, message_id: (message_id, data.rsplit(":", 1)[0] + ":AAAAAAAA"),
        lambda data, message_id: (message_id + 1, data),
        lambda data, message_id: (message_id, "tr:superb:" + data.rsplit(":", 1)[1]),
        lambda data, message_id: (message_id, "garbage"),
        lambda data, message_id: (None, data),
    ],
    ids=["wrong_token", "wrong_message", "unknown_grade", "garbage", "no_message"],
)
def test_forged_presses_change_nothing(actor, outbound, forge):
    send(actor, command("review"))
    message_id, prompt = prompts(outbound)[-1]
    forged_message, forged_data = forge(prompt.keyboard[0][2].data, message_id)
    before = row()
    send(actor, press(forged_message, forged_data))
    assert row().current_index == before.current_index
    assert WordPair.select().where(WordPair.state != "new").count() == 0
    answer = next(e for e in reversed(outbound.effects) if isinstance(e, AnswerCallback))
    assert answer.text == "This button is no longer active."
    assert RemoveKeyboard(USER, message_id) not in outbound.effects  # the real prompt keeps its


def test_another_users_press_changes_nothing(db, actor, outbound, clock):
    send(actor, command("review"))
    message_id, prompt = prompts(outbound)[-1]
    stranger_key = SessionKey(555, 555)
    stranger = UserSession(stranger_key, Services(Settings(), clock, outbound))
    stranger.on_receive(
        HandleUpdate(stranger_key, press(message_id, prompt.keyboard[0][2].data, 555))
    )
    assert row().current_index == 0
    assert WordPair.select().where(WordPair.state != "new").count() == 0


def test_a_replayed_press_is_applied_once(actor, outbound):
    send(actor, command("review"))
    message_id, prompt = prompts(outbound)[-1]
    data = prompt.keyboard[0][2].data
    send(actor, press(message_id, data))
    send(actor, press(message_id, data))
    assert row().reviewed_count == 1
    assert WordPair.select().where(WordPair.state != "new").count() == 1


def test_press_after_finish_is_stale(actor, outbound):
    send(actor, command("getpair"))
    message_id, prompt = prompts(outbound)[-1]
    send(actor, press(message_id, prompt.keyboard[0][1].data))
    send(actor, press(message_id, prompt.keyboard[0][1].data))
    assert WordPair.select().where(WordPair.state != "new").count() == 1
    assert outbound.effects[-1].text == "This button is no longer active."


def test_an_expired_session_counts_as_absent(actor, outbound, clock):
    send(actor, command("review"))
    message_id, prompt = prompts(outbound)[-1]
    clock.advance(minutes=1440)
    send(actor, press(message_id, prompt.keyboard[0][2].data))
    assert WordPair.select().where(WordPair.state != "new").count() == 0
    send(actor, command("review"))
    assert row().current_index == 0 and row().current_message_id != message_id


def test_nothing_to_review(db, clock, outbound):
    actor = new_actor(clock, outbound)
    send(actor, command("review"))
    assert outbound.texts()[-1] == "Nothing to review right now."


def test_a_crash_after_commit_is_healed_by_recovery(actor, outbound, clock, monkeypatch):
    """The process dies after the grade's commit, before anything was sent."""
    send(actor, command("review"))
    message_id, prompt = prompts(outbound)[-1]

    class Crash(BaseException):
        pass

    def die(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(actor._delivery, "deliver", die)
    with pytest.raises(Crash):
        send(actor, press(message_id, prompt.keyboard[0][2].data))
    monkeypatch.undo()
    assert row().current_index == 1 and row().current_message_id is None
    assert Outbox.select().count() == 1  # the graded prompt's edit is owed
    effects_before = len(outbound.effects)

    restarted = new_actor(clock, outbound)
    restarted.on_receive(Recover(KEY))
    sent = outbound.effects[effects_before:]
    assert isinstance(sent[0], EditPrompt) and sent[0].message_id == message_id
    assert isinstance(sent[1], SendText) and sent[1].text == row().current_prompt_text
    assert row().current_message_id is not None
    assert Outbox.select().count() == 0
    assert WordPair.select().where(WordPair.state != "new").count() == 1


def test_clear_ends_the_session(actor, outbound):
    send(actor, command("review"))
    send(actor, command("clear"))
    confirm = [e for e in outbound.effects if isinstance(e, SendText) and e.keyboard][-1]
    from storage.models import User

    send(actor, press(User.get_by_id(USER).confirm_message_id, confirm.keyboard[0][0].data))
    assert row() is None
    send(actor, command("review"))
    assert outbound.texts()[-1] == "Nothing to review right now."


def test_training_ttl_comes_from_settings(actor, clock):
    send(actor, command("review"))
    assert training.load_training_session(
        USER, USER, clock.now()
    ).expires_at == clock.now() + timedelta(minutes=Settings().sessions.training_ttl_minutes)


def test_owed_messages_survive_a_telegram_outage_and_go_with_the_next_event(
    actor, outbound, monkeypatch
):
    from storage.models import Outbox
    from wordbot.effects import Delivery

    send(actor, command("review"))
    message_id, prompt = prompts(outbound)[-1]
    real_perform = outbound.perform

    def outage(effect):
        if isinstance(effect, EditPrompt):
            return Delivery(ok=False, error="ConnectionError", transient=True)
        return real_perform(effect)

    monkeypatch.setattr(outbound, "perform", outage)
    send(actor, press(message_id, prompt.keyboard[0][2].data))
    assert Outbox.select().count() == 1  # the graded prompt's edit is still owed
    monkeypatch.setattr(outbound, "perform", real_perform)
    send(actor, command("help"))
    assert Outbox.select().count() == 0
    assert any(isinstance(e, EditPrompt) and e.message_id == message_id for e in outbound.effects)


def test_a_word_changed_by_add_mid_session_shows_in_the_next_prompt(actor, outbound):
    send(actor, command("review"))
    second = row().pair_ids[1]
    word1 = WordPair.get_by_id(second).word1
    send(actor, command("add", f"{word1}, changed"))
    grade_current(actor, outbound)
    assert "changed" in prompts(outbound)[-1][1].text


def test_cards_are_read_from_storage_once_per_session(actor, outbound, monkeypatch):
    from storage import cards

    send(actor, command("review"))
    reads = []
    real_load = cards.load_cards
    monkeypatch.setattr(cards, "load_cards", lambda *a: reads.append(a) or real_load(*a))
    for _ in range(4):
        grade_current(actor, outbound)
    assert reads == []
    assert "Card 5 of 5" in prompts(outbound)[-1][1].text


def test_no_database_connection_is_held_while_telegram_is_called(actor, outbound, monkeypatch):
    from storage.database import database

    held = []
    real_perform = outbound.perform

    def perform(effect):
        held.append(not database.is_closed())
        return real_perform(effect)

    monkeypatch.setattr(outbound, "perform", perform)
    send(actor, command("review"))
    grade_current(actor, outbound)
    assert held and not any(held)
    assert database.is_closed()  # given back at the end of the event too


def test_a_copy_of_the_current_prompt_left_by_a_crash_loses_its_buttons(actor, outbound):
    """The current token on another message: a prompt sent before a crash kept its id from
    being recorded. The press counts for nothing and the copy's keyboard goes."""
    send(actor, command("review"))
    message_id, prompt = prompts(outbound)[-1]
    orphan = message_id + 50
    send(actor, press(orphan, prompt.keyboard[0][2].data))
    assert isinstance(outbound.effects[-2], AnswerCallback)
    assert outbound.effects[-2].text == "This button is no longer active."
    assert outbound.effects[-1] == RemoveKeyboard(USER, orphan)
    assert row().reviewed_count == 0 and row().current_message_id == message_id


def test_an_old_prompt_of_an_earlier_card_keeps_its_edit(actor, outbound):
    send(actor, command("review"))
    graded = grade_current(actor, outbound)
    old_data = (
        next(e for e in outbound.effects if isinstance(e, SendText) and e.keyboard)
        .keyboard[0][2]
        .data
    )
    send(actor, press(graded, old_data))
    assert not isinstance(outbound.effects[-1], RemoveKeyboard)  # its token is not current
