"""The pure decisions of SPEC §13 as tables: undo of a grade, /words presses and edits, the
deletion of a pair from live sessions. No database, threads or Telegram."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.unit.test_decide import (
    CARDS,
    NOW,
    USER,
    callback,
    learner,
    moment,
    press,
    session,
)
from wordbot.decide import game as game_rules
from wordbot.decide import words as words_rules
from wordbot.decide.training import decide_grade, decide_pair_deleted, decide_undo
from wordbot.decide.transition import (
    DeleteReview,
    DeleteTraining,
    SaveCard,
    SaveGame,
    SaveTraining,
    Snapshot,
    UpdateLearner,
)
from wordbot.domain.game import Direction, GameCard, GameScore
from wordbot.domain.game_session import GameSession
from wordbot.domain.srs import CardSchedule, CardState, Grade
from wordbot.domain.training import SessionKind
from wordbot.domain.undo import UndoRecord
from wordbot.domain.word_list import CardDetails, WordsItem, WordsPage
from wordbot.domain.words_menu import (
    DeletePair,
    EditPair,
    Screen,
    Verb,
    WordsView,
    encode_action,
)
from wordbot.effects import AnswerCallback, EditPrompt, RemoveKeyboard, SendText

STALE = AnswerCallback("q1", "This button is no longer active.")
BEFORE = CardSchedule(state=CardState.REVIEW, interval_days=3, ease=2.3, reps=2)


def record(**changes) -> UndoRecord:
    base = UndoRecord(
        token="und",
        pair_id=1,
        grade=Grade.GOOD,
        graded_at=NOW - timedelta(minutes=2),
        previous=BEFORE,
        graded_message_id=100,
        prompt_text="word1 → ?",
        pair_ids=(1, 2, 3),
        index=0,
        kind=SessionKind.REVIEW,
        reviewed_count=0,
        session_created_at=NOW - timedelta(minutes=5),
        next_token="nxt",
    )
    return replace(base, **changes)


AFTER_GRADE = session(
    current_index=1, current_token="nxt", current_message_id=101, reviewed_count=1
)


def undo(snapshot, *, data="und", message_id=101, now=NOW):
    return decide_undo(
        snapshot, press(f"tr:undo:{data}", message_id), callback("tr", "undo", data), moment(now)
    )


# --- undo -------------------------------------------------------------------------------------


def test_the_grade_writes_its_undo_record_and_the_next_prompt_carries_the_button():
    snapshot = Snapshot(learner(), session(), None, CARDS)
    t = decide_grade(snapshot, press("tr:good:cur"), callback("tr", "good", "cur"), moment())
    (written,) = [w.changes["undo"] for w in t.writes if isinstance(w, UpdateLearner)]
    assert written.previous == CARDS[1].schedule and written.pair_id == 1
    assert written.next_token == "tok1" and written.token == "tok2"
    assert (written.graded_message_id, written.prompt_text) == (100, "word1 → ?")
    from wordbot.decide.training import owed_training_prompt

    (advanced,) = [w.session for w in t.writes if isinstance(w, SaveTraining)]
    keyboard = owed_training_prompt(advanced, undo=written).message.keyboard
    assert [b.text for b in keyboard[1]] == ["↩ Undo"] and keyboard[1][0].data == "tr:undo:tok2"
    assert len(owed_training_prompt(advanced, undo=None).message.keyboard) == 1


def test_undo_of_the_latest_grade_restores_everything_in_one_transition():
    snapshot = Snapshot(learner(undo=record()), AFTER_GRADE, None, CARDS)
    t = undo(snapshot)
    assert SaveCard(1, BEFORE) in t.writes
    assert DeleteReview(1, NOW - timedelta(minutes=2)) in t.writes
    assert UpdateLearner({"undo": None}) in t.writes
    (restored,) = [w.session for w in t.writes if isinstance(w, SaveTraining)]
    assert (restored.current_index, restored.reviewed_count) == (0, 0)
    assert restored.current_message_id == 101 and restored.current_token == "tok1"
    as_prompt, marker = t.owed
    assert as_prompt == EditPrompt(USER, 101, "word1 → ?", as_prompt.keyboard)
    assert as_prompt.keyboard[0][2].data == "tr:good:tok1"
    assert marker == EditPrompt(USER, 100, "word1 → ?\n→ <b>Good</b> (undone)")
    assert t.answer == AnswerCallback("q1")


@pytest.mark.parametrize(
    ("name", "undo_record", "training", "data", "message_id", "minutes"),
    [
        ("no record (already undone)", None, AFTER_GRADE, "und", 101, 0),
        ("forged token", record(), AFTER_GRADE, "XXX", 101, 0),
        ("someone else's token", record(token="other"), AFTER_GRADE, "und", 101, 0),
        (
            "a later grade moved on",
            record(),
            replace(AFTER_GRADE, current_token="later"),
            "und",
            101,
            0,
        ),
        ("another message", record(), AFTER_GRADE, "und", 55, 0),
        ("no message", record(), AFTER_GRADE, "und", None, 0),
        ("older than 10 minutes", record(), AFTER_GRADE, "und", 101, 8.01),
        ("finished, but a new session began", record(next_token=None), AFTER_GRADE, "und", 101, 0),
        ("session gone (expired)", record(), None, "und", 101, 0),
    ],
)
def test_stale_undo_presses_change_nothing(name, undo_record, training, data, message_id, minutes):
    snapshot = Snapshot(learner(undo=undo_record), training, None, CARDS)
    t = undo(snapshot, data=data, message_id=message_id, now=NOW + timedelta(minutes=minutes))
    assert t.writes == () and t.answer == STALE, name


def test_undo_at_exactly_ten_minutes_still_counts():
    snapshot = Snapshot(learner(undo=record()), AFTER_GRADE, None, CARDS)
    assert undo(snapshot, now=NOW + timedelta(minutes=8)).writes


def test_undo_of_a_finishing_grade_reopens_the_session_on_the_well_done_message():
    last = record(index=2, reviewed_count=2, pair_id=3, next_token=None)
    t = undo(Snapshot(learner(undo=last), None, None, CARDS), message_id=300)
    (reopened,) = [w.session for w in t.writes if isinstance(w, SaveTraining)]
    assert (reopened.current_index, reopened.current_message_id) == (2, 300)
    assert reopened.pair_ids == (1, 2, 3) and reopened.kind is SessionKind.REVIEW


# --- a deleted pair leaves the live sessions ---------------------------------------------------


def test_deleting_a_later_card_just_drops_it():
    t = decide_pair_deleted(Snapshot(learner(), session(), None, CARDS), 3, moment())
    (saved,) = [w.session for w in t.writes]
    assert saved.pair_ids == (1, 2) and saved.current_token == "cur" and t.owed == ()


def test_deleting_an_earlier_card_keeps_the_current_one():
    live = session(current_index=2)
    t = decide_pair_deleted(Snapshot(learner(), live, None, CARDS), 1, moment())
    (saved,) = [w.session for w in t.writes]
    assert saved.pair_ids == (2, 3) and saved.current_index == 1


def test_deleting_the_current_card_strips_its_prompt_and_moves_on():
    cards = {2: CARDS[2], 3: CARDS[3]}
    t = decide_pair_deleted(Snapshot(learner(), session(), None, cards), 1, moment())
    assert t.owed == (RemoveKeyboard(USER, 100),)
    (saved,) = [w.session for w in t.writes]
    assert saved.pair_ids == (2, 3) and saved.current_index == 0
    assert saved.current_message_id is None and saved.current_token == "tok1"
    assert "word2" in saved.current_prompt_text or "slovo2" in saved.current_prompt_text


def test_deleting_the_last_remaining_card_ends_the_session():
    live = session(pair_ids=(1,), current_index=0)
    t = decide_pair_deleted(Snapshot(learner(), live, None, {}), 1, moment())
    assert t.writes == (DeleteTraining(),) and t.owed == (RemoveKeyboard(USER, 100),)


def _game(deck):
    return GameSession(
        chat_id=USER,
        user_id=USER,
        deck=deck,
        current_token="g",
        current_message_id=200,
        current_prompt_text="Translate: <b>word1</b> → ?",
        statistics_id=9,
        score=GameScore(),
        last_activity_at=NOW,
        expires_at=NOW + timedelta(minutes=10),
        created_at=NOW,
    )


def test_deleting_the_games_current_pair_moves_to_the_next_card():
    deck = (
        GameCard(1, Direction.FORWARD),
        GameCard(2, Direction.BACKWARD),
        GameCard(1, Direction.BACKWARD),
    )
    t = game_rules.decide_pair_deleted(Snapshot(learner(), None, _game(deck), CARDS), 1, moment())
    assert t.owed == (RemoveKeyboard(USER, 200),)
    (saved,) = [w.session for w in t.writes if isinstance(w, SaveGame)]
    assert saved.deck == (GameCard(2, Direction.BACKWARD),)
    assert saved.current_prompt_text == "Translate: <b>slovo2</b> → ?"


# --- /words -----------------------------------------------------------------------------------

TOKEN = "wtok"
PAGE = WordsPage((WordsItem(1, "word1", "slovo1"), WordsItem(2, "<b>&", "x")), 0, 1, 2)
CARD = CardDetails(1, "word1", "slovo1", CardState.REVIEW, NOW, 3, 1, suspended=False)


def words_learner(view: WordsView, **changes):
    return learner(words_token=TOKEN, words_message_id=400, words_view=view, **changes)


def words_press(snapshot, action, *, token=TOKEN, message_id=400, facts=None, now=NOW):
    data = callback("wd", action, token)
    pressed = press(f"wd:{action}:{token}", message_id)
    result = words_rules.press_result(snapshot, pressed, data, moment(now))
    if result is not None and facts is None:
        wanted = words_rules.wanted_for(snapshot.learner.words_view, result)
        facts = words_rules.WordsFacts(card=CARD if wanted.pair_id == 1 else None, page=PAGE)
    return words_rules.decide_words_press(snapshot, pressed, data, result, facts, moment(now))


def test_words_command_sends_one_message_and_retires_the_old_one():
    snapshot = Snapshot(learner(words_message_id=7, words_token="old"))
    view = words_rules.command_view("<b>&")
    t = words_rules.decide_words_command(
        snapshot, view, words_rules.WordsFacts(page=PAGE), moment()
    )
    assert t.owed == (RemoveKeyboard(USER, 7),)
    assert t.prompt.token == "tok1" and "&lt;b&gt;&amp;" in t.prompt.message.text
    (state,) = [w.changes for w in t.writes]
    assert state["words_view"].query == "<b>&" and state["words_message_id"] is None


@pytest.mark.parametrize(("token", "message_id"), [("forged", 400), (TOKEN, 401), (TOKEN, None)])
def test_words_presses_need_the_token_and_the_message(token, message_id):
    snapshot = Snapshot(words_learner(WordsView()))
    t = words_press(snapshot, encode_action(Verb.OPEN, 1), token=token, message_id=message_id)
    assert t.writes == () and t.answer == STALE


def test_confirmed_delete_writes_the_pair_away_with_session_and_undo():
    confirm = WordsView(Screen.CONFIRM_DELETE, pair_id=1, deadline=NOW + timedelta(minutes=1))
    snapshot = Snapshot(words_learner(confirm, undo=record()), session(), None, CARDS)
    t = words_press(snapshot, "yes")
    assert DeletePair(1) in t.writes and UpdateLearner({"undo": None}) in t.writes
    (moved,) = [w.session for w in t.writes if isinstance(w, SaveTraining)]
    assert 1 not in moved.pair_ids
    assert t.answer.text == "Deleted."
    assert isinstance(t.owed[-1], EditPrompt) and t.owed[-1].message_id == 400


def test_a_delete_confirmation_after_ten_minutes_deletes_nothing():
    confirm = WordsView(Screen.CONFIRM_DELETE, pair_id=1, deadline=NOW - timedelta(seconds=1))
    t = words_press(Snapshot(words_learner(confirm)), "yes")
    assert not any(isinstance(w, DeletePair) for w in t.writes)
    assert t.answer.text == "That confirmation expired. Press Delete again."


def test_a_pair_that_is_not_the_users_shows_the_list_and_writes_nothing():
    card_view = WordsView(Screen.CARD, pair_id=1)
    snapshot = Snapshot(words_learner(card_view))
    t = words_press(snapshot, "reset", facts=words_rules.WordsFacts(card=None, page=PAGE))
    assert [type(w) for w in t.writes] == [UpdateLearner]
    assert t.writes[0].changes["words_view"].screen is Screen.LIST
    assert t.answer.text == "That pair no longer exists."


@pytest.mark.parametrize(
    ("typed", "owner", "expected"),
    [
        ("house, casa", None, "write"),
        ("word1, casa", 1, "write"),  # the same pair keeps its word1
        ("taken, casa", 2, "Already"),
        (" , casa", None, "Both sides"),
        ("a, b\nc, d", None, "exactly one"),
    ],
)
def test_typed_edits(typed, owner, expected):
    view = WordsView(Screen.EDIT, pair_id=1, deadline=NOW + timedelta(minutes=1))
    snapshot = Snapshot(words_learner(view))
    assert words_rules.awaits_edit(snapshot, moment())
    result = words_rules.edit_result(snapshot, typed, moment())
    facts = words_rules.WordsFacts(card=CARD, word1_owner=owner)
    t = words_rules.decide_words_edit(snapshot, result, facts, moment())
    edits = [w for w in t.writes if isinstance(w, EditPair)]
    if expected == "write":
        assert len(edits) == 1 and t.owed[-1] == SendText(USER, "Saved.")
    else:
        assert edits == []
        text = t.owed[-1].text
        assert ("already have a pair" in text) if expected == "Already" else (expected in text)


def test_an_edit_waits_five_minutes_only():
    view = WordsView(Screen.EDIT, pair_id=1, deadline=NOW - timedelta(seconds=1))
    assert not words_rules.awaits_edit(Snapshot(words_learner(view)), moment())
