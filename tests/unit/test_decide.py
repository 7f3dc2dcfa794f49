"""The pure decisions (SPEC §11) as tables: no database, threads or Telegram."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from wordbot.callback_data import CallbackData
from wordbot.decide import game as game_rules
from wordbot.decide import vocabulary as vocabulary_rules
from wordbot.decide.reminders import ReminderFacts, decide_reminder, decide_user_active
from wordbot.decide.settings import decide_settings_press
from wordbot.decide.training import decide_grade, decide_start_or_resume, owed_training_prompt
from wordbot.decide.transition import (
    ClearVocabulary,
    DeleteGame,
    DeleteTraining,
    FinishGame,
    Moment,
    PromptTarget,
    Rules,
    SaveCard,
    SaveGame,
    SaveTraining,
    Snapshot,
    SnoozeDue,
    StartGame,
    UpdateLearner,
)
from wordbot.domain.game import Direction, GameCard, GameScore
from wordbot.domain.game_session import GameSession
from wordbot.domain.learner import Learner
from wordbot.domain.pairs import PairInput, ParsedPairs
from wordbot.domain.srs import CardSchedule
from wordbot.domain.training import Card, SessionKind, TrainingSession
from wordbot.effects import AnswerCallback, EditPrompt, RemoveKeyboard, SendText
from wordbot.transport.updates import ButtonPress

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
USER = 5
RULES = Rules()


def moment(now=NOW, seed=1) -> Moment:
    counter = itertools.count(1)
    return Moment(now, random.Random(seed), lambda: f"tok{next(counter)}")


def learner(**changes) -> Learner:
    base = Learner(
        user_id=USER,
        chat_id=USER,
        cards_per_session=5,
        reminder_morning=True,
        reminder_afternoon=True,
        reminder_evening=True,
        timezone_offset_hours=0,
        reminders_paused=False,
        missed_reminders=0,
        last_reminder_sent_at=None,
        pending_input=None,
        pending_input_until=None,
        confirm_token=None,
        confirm_message_id=None,
        created_at=NOW - timedelta(days=30),
        next_reminder_at=NOW + timedelta(hours=1),
    )
    return replace(base, **changes)


def card(pair_id: int) -> Card:
    return Card(pair_id, f"word{pair_id}", f"slovo{pair_id}", CardSchedule())


CARDS = {n: card(n) for n in (1, 2, 3)}


def session(**changes) -> TrainingSession:
    base = TrainingSession(
        chat_id=USER,
        user_id=USER,
        pair_ids=(1, 2, 3),
        current_index=0,
        current_token="cur",
        current_message_id=100,
        current_prompt_text="word1 → ?",
        kind=SessionKind.REVIEW,
        reviewed_count=0,
        last_activity_at=NOW - timedelta(minutes=1),
        expires_at=NOW + timedelta(days=1),
        created_at=NOW - timedelta(minutes=5),
    )
    return replace(base, **changes)


def press(data: str, message_id: int | None = 100, user_id: int = USER) -> ButtonPress:
    return ButtonPress(1, USER, user_id, "private", "q1", message_id, data)


def callback(scope: str, action: str, token: str) -> CallbackData:
    return CallbackData(scope, action, token)


# --- training --------------------------------------------------------------------------------


def test_a_grade_on_the_current_prompt_saves_the_card_advances_and_answers():
    snapshot = Snapshot(learner(), session(), None, CARDS)
    t = decide_grade(snapshot, press("tr:good:cur"), callback("tr", "good", "cur"), moment())
    saves = [w for w in t.writes if isinstance(w, SaveCard)]
    assert [w.pair_id for w in saves] == [1] and saves[0].schedule.last_reviewed_at == NOW
    (advanced,) = [w.session for w in t.writes if isinstance(w, SaveTraining)]
    assert advanced.current_index == 1 and advanced.current_message_id is None
    assert advanced.current_token == "tok1"
    assert isinstance(t.owed[0], EditPrompt) and "Good" in t.owed[0].text
    assert t.answer == AnswerCallback("q1")


@pytest.mark.parametrize(
    ("token", "message_id"),
    [("old", 100), ("cur", 99), ("cur", None)],
    ids=["stale_token", "another_message", "inaccessible_message"],
)
def test_a_press_that_is_not_on_the_current_prompt_changes_nothing(token, message_id):
    snapshot = Snapshot(learner(), session(), None, CARDS)
    data = callback("tr", "good", token)
    t = decide_grade(snapshot, press(f"tr:good:{token}", message_id), data, moment())
    assert t.writes == ()
    assert t.answer.text == "This button is no longer active."


def test_a_current_token_on_an_unrecorded_copy_removes_that_copys_buttons():
    snapshot = Snapshot(learner(), session(), None, CARDS)
    t = decide_grade(snapshot, press("tr:good:cur", 55), callback("tr", "good", "cur"), moment())
    assert t.owed == (RemoveKeyboard(USER, 55),)


def test_the_last_grade_ends_the_session_with_well_done():
    last = session(current_index=2, reviewed_count=2)
    snapshot = Snapshot(learner(), last, None, CARDS)
    t = decide_grade(snapshot, press("tr:easy:cur"), callback("tr", "easy", "cur"), moment())
    assert DeleteTraining() in t.writes
    assert t.owed[-1].text == "Well done reviewing 3 cards."
    assert [[b.text for b in row] for row in t.owed[-1].keyboard] == [["↩ Undo"]]


def test_a_deleted_card_is_skipped_without_a_schedule_write():
    snapshot = Snapshot(learner(), session(), None, {1: CARDS[1], 3: CARDS[3]})
    t = decide_grade(snapshot, press("tr:good:cur"), callback("tr", "good", "cur"), moment())
    (advanced,) = [w.session for w in t.writes if isinstance(w, SaveTraining)]
    assert advanced.current_index == 2


def test_snooze_only_on_an_overdue_sessions_first_card():
    overdue = Snapshot(learner(), session(kind=SessionKind.OVERDUE), None, CARDS)
    t = decide_grade(overdue, press("x"), callback("tr", "snooze_week", "cur"), moment())
    assert SnoozeDue(NOW + timedelta(days=7)) in t.writes and DeleteTraining() in t.writes
    plain = Snapshot(learner(), session(), None, CARDS)
    t = decide_grade(plain, press("x"), callback("tr", "snooze_week", "cur"), moment())
    assert t.writes == ()


def test_review_resumes_an_active_session_and_retires_the_old_copy():
    snapshot = Snapshot(learner(), session(), None, CARDS)
    t = decide_start_or_resume(snapshot, SessionKind.REVIEW, [], moment())
    (resumed,) = [w.session for w in t.writes if isinstance(w, SaveTraining)]
    assert resumed.current_message_id is None and resumed.current_token == "cur"
    assert t.owed == (RemoveKeyboard(USER, 100),)
    prompt = owed_training_prompt(resumed)
    assert prompt.target is PromptTarget.TRAINING and prompt.message.text == "word1 → ?"


def test_review_with_nothing_due_says_so():
    t = decide_start_or_resume(Snapshot(learner()), SessionKind.REVIEW, [], moment())
    assert t.writes == () and t.owed == (SendText(USER, "Nothing to review right now."),)


def test_both_training_directions_occur_under_a_seeded_rng():
    shown = set()
    for seed in range(20):
        t = decide_start_or_resume(
            Snapshot(learner()), SessionKind.REVIEW, [CARDS[1]], moment(seed=seed)
        )
        shown.add(t.writes[0].session.current_prompt_text.split(" → ")[0])
    assert shown == {"word1", "slovo1"}


# --- game ------------------------------------------------------------------------------------

DECK = (GameCard(1, Direction.FORWARD), GameCard(1, Direction.BACKWARD))


def game(**changes) -> GameSession:
    base = GameSession(
        chat_id=USER,
        user_id=USER,
        deck=DECK,
        current_token="g",
        current_message_id=200,
        current_prompt_text="Translate: <b>word1</b> → ?",
        statistics_id=9,
        score=GameScore(),
        last_activity_at=NOW - timedelta(minutes=1),
        expires_at=NOW + timedelta(minutes=14),
        created_at=NOW - timedelta(minutes=2),
    )
    return replace(base, **changes)


@pytest.mark.parametrize(
    ("answer", "correct"), [("slovo1", 1), ("SLOVO1!", 1), ("wrong", 0)], ids=str
)
def test_a_typed_answer_scores_and_moves_on(answer, correct):
    snapshot = Snapshot(learner(), None, game(), CARDS)
    t = game_rules.decide_game_answer(snapshot, answer, RULES, moment())
    (saved,) = [w.session for w in t.writes if isinstance(w, SaveGame)]
    assert (saved.score.correct, saved.score.attempted) == (correct, 1)
    assert saved.current_message_id is None and saved.current_token == "tok1"
    assert ("✅" if correct else "❌") in t.owed[0].text


def test_the_last_correct_answer_ends_the_game_with_its_summary():
    snapshot = Snapshot(learner(), None, game(deck=DECK[:1], score=GameScore(1, 2)), CARDS)
    t = game_rules.decide_game_answer(snapshot, "slovo1", RULES, moment())
    assert DeleteGame() in t.writes
    assert FinishGame(9, "finished", GameScore(2, 3)) in t.writes
    assert "Accuracy: 67% (2/3)" in t.owed[-1].text


def test_an_answer_before_the_prompt_was_shown_counts_nothing():
    snapshot = Snapshot(learner(), None, game(current_message_id=None), CARDS)
    assert game_rules.decide_game_answer(snapshot, "slovo1", RULES, moment()).writes == ()


def test_peek_is_a_miss_and_a_second_press_is_stale():
    snapshot = Snapshot(learner(), None, game(), CARDS)
    t = game_rules.decide_game_press(
        snapshot, press("gm:peek:g", 200), callback("gm", "peek", "g"), (), RULES, moment()
    )
    (saved,) = [w.session for w in t.writes if isinstance(w, SaveGame)]
    assert saved.score == GameScore(0, 1) and "👀" in t.owed[0].text
    after = Snapshot(learner(), None, saved, CARDS)
    again = game_rules.decide_game_press(
        after, press("gm:peek:g", 200), callback("gm", "peek", "g"), (), RULES, moment()
    )
    assert again.writes == ()


def test_game_new_replaces_the_running_game():
    snapshot = Snapshot(learner(), None, game(), CARDS)
    t = game_rules.decide_game_command(snapshot, "new", DECK, RULES, moment())
    assert FinishGame(9, "replaced", GameScore()) in t.writes
    assert any(isinstance(w, StartGame) for w in t.writes)


def test_an_idle_game_ends_as_timed_out():
    snapshot = Snapshot(learner(), None, game(expires_at=NOW), CARDS)
    t = game_rules.decide_end_idle(snapshot, RULES, moment())
    assert FinishGame(9, "timeout", GameScore()) in t.writes
    assert t.owed[0] == RemoveKeyboard(USER, 200) and "Time's up" in t.owed[1].text


# --- /clear ----------------------------------------------------------------------------------


def test_clear_asks_naming_the_count_and_expires():
    t = vocabulary_rules.decide_clear_command(Snapshot(learner()), 12, moment())
    assert "12 word pairs" in t.prompt.message.text and t.prompt.target is PromptTarget.CLEAR
    (changes,) = [w.changes for w in t.writes if isinstance(w, UpdateLearner)]
    assert changes["confirm_until"] == NOW + timedelta(minutes=10)


@pytest.mark.parametrize(
    ("delay", "token", "cleared"),
    [
        (timedelta(minutes=9), "c", True),
        (timedelta(minutes=10), "c", False),
        (timedelta(minutes=1), "forged", False),
    ],
    ids=["in_time", "expired", "forged_token"],
)
def test_clear_confirmation(delay, token, cleared):
    asked = learner(
        confirm_token="c", confirm_message_id=300, confirm_until=NOW + timedelta(minutes=10)
    )
    snapshot = Snapshot(asked, session(), game(), CARDS)
    t = vocabulary_rules.decide_clear_press(
        snapshot,
        press(f"clr:yes:{token}", 300),
        callback("clr", "yes", token),
        12,
        moment(NOW + delay),
    )
    assert (ClearVocabulary() in t.writes) is cleared
    if cleared:
        assert RemoveKeyboard(USER, 100) in t.owed and RemoveKeyboard(USER, 200) in t.owed


def test_an_import_over_the_limit_writes_nothing():
    parsed = ParsedPairs((PairInput("a", "b"),), 0)
    t = vocabulary_rules.decide_import(Snapshot(learner()), parsed, {}, 20_000)
    assert t.writes == () and "20000" in t.owed[0].text.replace(",", "")


def test_an_import_counts_new_updated_and_unchanged():
    parsed = ParsedPairs((PairInput("a", "1"), PairInput("b", "2"), PairInput("c", "3")), 1)
    t = vocabulary_rules.decide_import(Snapshot(learner()), parsed, {"b": "x", "c": "3"}, 2)
    assert t.writes[0].pairs == (PairInput("a", "1"), PairInput("b", "2"))
    assert t.owed[0].text.startswith("Imported 1 new pairs, updated 1, skipped 1 rows.")


# --- settings, reminders -------------------------------------------------------------------------


def test_a_settings_press_on_another_message_is_stale():
    menu = learner(settings_token="s", settings_message_id=400, settings_screen="home")
    t = decide_settings_press(
        Snapshot(menu), press("st:cards:s", 401), callback("st", "cards", "s"), RULES, moment()
    )
    assert t.writes == () and t.answer.text == "This button is no longer active."


FACTS = ReminderFacts(pairs=3, due=1, new=2, last_graded_at=None, candidates=(CARDS[1],))
DUE_LEARNER = learner(last_reminder_sent_at=NOW - timedelta(days=1), missed_reminders=0)


def test_a_due_reminder_expires_the_old_session_and_starts_a_fresh_one():
    stale = session(last_activity_at=NOW - timedelta(hours=2))
    t = decide_reminder(Snapshot(DUE_LEARNER, stale, None, CARDS), FACTS, RULES, moment())
    assert isinstance(t.owed[0], EditPrompt) and "expired" in t.owed[0].text
    assert DeleteTraining() in t.writes
    (fresh,) = [w.session for w in t.writes if isinstance(w, SaveTraining)]
    assert fresh.kind is SessionKind.REMINDER


def test_a_reminder_waits_while_the_user_is_active():
    busy = session(last_activity_at=NOW - timedelta(minutes=3))
    t = decide_reminder(Snapshot(DUE_LEARNER, busy, None, CARDS), FACTS, RULES, moment())
    assert t.writes == () and t.owed == ()


def test_the_ninth_missed_reminder_pauses_and_says_so_once():
    missing = replace(DUE_LEARNER, missed_reminders=8)
    t = decide_reminder(Snapshot(missing), FACTS, RULES, moment())
    (changes,) = [w.changes for w in t.writes if isinstance(w, UpdateLearner)]
    assert changes["reminders_paused"] is True
    assert "Reminders paused" in t.owed[0].text
    paused = Snapshot(replace(missing, reminders_paused=True))
    assert decide_reminder(paused, FACTS, RULES, moment()).owed == ()


def test_a_reminders_opening_prompt_is_a_broadcast():
    t = decide_reminder(Snapshot(DUE_LEARNER), FACTS, RULES, moment())
    (fresh,) = [w.session for w in t.writes if isinstance(w, SaveTraining)]
    assert owed_training_prompt(fresh, CARDS[1]).message.broadcast is True


def test_the_pause_notice_of_a_reminder_is_a_broadcast():
    missing = replace(DUE_LEARNER, missed_reminders=8)
    (notice,) = decide_reminder(Snapshot(missing), FACTS, RULES, moment()).owed
    assert notice.broadcast is True


def test_the_prompt_after_a_grade_on_a_reminder_is_a_reply():
    opening = session(
        kind=SessionKind.REMINDER, last_activity_at=NOW - timedelta(minutes=5), reviewed_count=0
    )
    assert opening.opens_with_reminder
    snapshot = Snapshot(learner(), opening, None, CARDS)
    t = decide_grade(snapshot, press("tr:good:cur"), callback("tr", "good", "cur"), moment())
    (advanced,) = [w.session for w in t.writes if isinstance(w, SaveTraining)]
    assert owed_training_prompt(advanced, CARDS[2]).message.broadcast is False


def test_a_reminder_session_resumed_by_review_is_a_reply():
    opening = session(kind=SessionKind.OVERDUE, last_activity_at=NOW - timedelta(minutes=5))
    snapshot = Snapshot(learner(), opening, None, CARDS)
    t = decide_start_or_resume(snapshot, SessionKind.REVIEW, [], moment())
    (resumed,) = [w.session for w in t.writes if isinstance(w, SaveTraining)]
    assert owed_training_prompt(resumed, CARDS[1]).message.broadcast is False


@pytest.mark.parametrize("kind", [SessionKind.REVIEW, SessionKind.GETPAIR])
def test_a_session_the_user_started_never_sends_a_broadcast(kind):
    started = session(kind=kind, current_message_id=None, last_activity_at=NOW, created_at=NOW)
    assert owed_training_prompt(started, CARDS[1]).message.broadcast is False


def test_any_activity_resumes_paused_reminders():
    paused = learner(reminders_paused=True, missed_reminders=9)
    (write,) = decide_user_active(Snapshot(paused), RULES, moment()).writes
    assert write.changes["reminders_paused"] is False and write.changes["missed_reminders"] == 0
    assert decide_user_active(Snapshot(learner()), RULES, moment()).writes == ()
