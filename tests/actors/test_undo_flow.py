"""Undo of a grade (SPEC §13) in the UserSession actor, with an injected clock."""

from __future__ import annotations

import pytest

from actors.messages import HandleUpdate, SessionKey
from actors.services import Services
from actors.user_session import UserSession
from storage import review_log
from storage.models import ReviewLog, TrainingSession, User, WordPair
from tests.support.updates import UserUpdates, sent_prompts
from wordbot.config import Settings
from wordbot.domain.review_log import ReviewLogEntry
from wordbot.effects import AnswerCallback, EditPrompt

USER = 81
OTHER = 82
KEY = SessionKey(USER, USER)
_user = UserUpdates(USER)
_other = UserUpdates(OTHER)
STALE = "This button is no longer active."
SCHEDULE_COLUMNS = (
    "state",
    "due_at",
    "last_reviewed_at",
    "interval_days",
    "ease",
    "step",
    "reps",
    "lapses",
    "fsrs_state",
    "fsrs_step",
    "fsrs_stability",
    "fsrs_difficulty",
    "fsrs_due_at",
    "suspended",
)


def new_actor(clock, outbound, key=KEY):
    return UserSession(key, Services(Settings(), clock, outbound))


def send(actor, incoming):
    actor.on_receive(HandleUpdate(actor.key, incoming))


@pytest.fixture
def actor(db, clock, outbound):
    actor = new_actor(clock, outbound)
    send(actor, _user.command("add", "\n".join(f"word{n}, slovo{n}" for n in range(3))))
    return actor


def schedule_of(pair_id):
    row = WordPair.get_by_id(pair_id)
    return {column: getattr(row, column) for column in SCHEDULE_COLUMNS}


def session_row():
    return TrainingSession.get_or_none(TrainingSession.user_id == USER)


def last_message(outbound):
    return sent_prompts(outbound)[-1]


def press_button(actor, outbound, label, *, message=None, updates=_user):
    message_id, sent = message or last_message(outbound)
    button = next(b for row in sent.keyboard for b in row if b.text.startswith(label))
    send(actor, updates.press(message_id, button.data))
    return message_id, button.data


def answers(outbound):
    return [e for e in outbound.effects if isinstance(e, AnswerCallback)]


def log_the_grade(pair_id, clock):
    """The grade's review_log row, as the FSRS change writes it in the grade's transaction."""
    review_log.add_review(
        ReviewLogEntry(
            id=None,
            user_id=USER,
            pair_id=pair_id,
            rating=3,
            reviewed_at=clock.now(),
            state_before="new",
            elapsed_days=0.0,
            scheduled_days=0.0,
            scheduler="sm2",
            prompt_open_ms=None,
        )
    )


def test_undo_restores_the_card_the_session_and_the_message(actor, outbound, clock):
    send(actor, _user.command("review"))
    first = session_row()
    pair_id = first.pair_ids[0]
    before = schedule_of(pair_id)
    graded_id, graded_prompt = last_message(outbound)
    clock.advance(minutes=1)
    press_button(actor, outbound, "Easy")
    log_the_grade(pair_id, clock)
    assert schedule_of(pair_id) != before
    next_id, next_prompt = last_message(outbound)
    assert next_id != graded_id
    assert [b.text for b in next_prompt.keyboard[1]] == ["↩ Undo"]

    clock.advance(minutes=9)
    press_button(actor, outbound, "↩ Undo")

    assert schedule_of(pair_id) == before
    assert ReviewLog.select().where(ReviewLog.pair == pair_id).count() == 0
    restored = session_row()
    assert (restored.current_index, restored.reviewed_count) == (0, 0)
    assert restored.current_message_id == next_id
    assert restored.current_prompt_text == graded_prompt.text
    assert restored.current_token not in (first.current_token,)
    edits = [e for e in outbound.effects if isinstance(e, EditPrompt)]
    as_prompt = next(e for e in edits if e.message_id == next_id)
    assert as_prompt.text == graded_prompt.text
    grades = [b.text.split(" · ")[0] for b in as_prompt.keyboard[0]]  # "Good · 10m"
    assert grades == ["Again", "Hard", "Good", "Easy"]
    assert len(as_prompt.keyboard) == 1
    assert restored.current_token in as_prompt.keyboard[0][0].data
    marked = [e for e in edits if e.message_id == graded_id]
    assert marked[-1].text == graded_prompt.text + "\n→ <b>Easy</b> (undone)"
    assert marked[-1].keyboard is None
    assert User.get_by_id(USER).undo is None

    # grading again continues the session from the same message
    send(actor, _user.press(next_id, as_prompt.keyboard[0][2].data))
    assert session_row().current_index == 1
    assert WordPair.get_by_id(pair_id).state == "learning"


def test_a_second_press_of_undo_is_stale(actor, outbound):
    send(actor, _user.command("review"))
    press_button(actor, outbound, "Good")
    undo_message = last_message(outbound)
    press_button(actor, outbound, "↩ Undo", message=undo_message)
    after_first = (session_row().current_token, schedule_of(session_row().pair_ids[0]))
    press_button(actor, outbound, "↩ Undo", message=undo_message)
    assert answers(outbound)[-1].text == STALE
    assert (session_row().current_token, schedule_of(session_row().pair_ids[0])) == after_first


def test_undo_after_a_later_grade_is_stale(actor, outbound):
    send(actor, _user.command("review"))
    press_button(actor, outbound, "Good")
    carrying_undo = last_message(outbound)
    press_button(actor, outbound, "Hard", message=carrying_undo)
    index = session_row().current_index
    press_button(actor, outbound, "↩ Undo", message=carrying_undo)
    assert answers(outbound)[-1].text == STALE
    assert session_row().current_index == index == 2


@pytest.mark.parametrize(("minutes", "works"), [(10, True), (10.01, False), (60, False)])
def test_undo_works_for_ten_minutes(actor, outbound, clock, minutes, works):
    send(actor, _user.command("review"))
    pair_id = session_row().pair_ids[0]
    before = schedule_of(pair_id)
    press_button(actor, outbound, "Easy")
    clock.advance(minutes=minutes)
    press_button(actor, outbound, "↩ Undo")
    assert (schedule_of(pair_id) == before) is works
    assert (session_row().current_index == 0) is works
    if not works:
        assert answers(outbound)[-1].text == STALE


def test_a_forged_undo_token_is_stale(actor, outbound):
    send(actor, _user.command("review"))
    press_button(actor, outbound, "Good")
    message_id, _ = last_message(outbound)
    send(actor, _user.press(message_id, "tr:undo:AAAAAAAA"))
    assert answers(outbound)[-1].text == STALE
    assert session_row().current_index == 1


def test_undo_pressed_by_someone_else_is_stale_and_changes_nothing(actor, outbound, clock, db):
    send(actor, _user.command("review"))
    press_button(actor, outbound, "Good")
    message_id, carrying = last_message(outbound)
    data = carrying.keyboard[1][0].data
    intruder = new_actor(clock, outbound, SessionKey(OTHER, OTHER))
    send(intruder, _other.press(message_id, data))
    assert answers(outbound)[-1].text == STALE
    assert session_row().current_index == 1
    assert User.get_by_id(USER).undo is not None  # still the owner's to undo
    press_button(actor, outbound, "↩ Undo")
    assert session_row().current_index == 0


def test_undo_of_the_last_grade_reopens_the_finished_session(actor, outbound):
    send(actor, _user.command("review"))
    for _ in range(2):
        press_button(actor, outbound, "Easy")
    last_pair = session_row().pair_ids[2]
    before = schedule_of(last_pair)
    press_button(actor, outbound, "Easy")
    assert session_row() is None
    done_id, done = last_message(outbound)
    assert done.text == "Well done reviewing 3 cards."
    assert [[b.text for b in row] for row in done.keyboard] == [["↩ Undo"]]

    press_button(actor, outbound, "↩ Undo")
    reopened = session_row()
    assert (reopened.current_index, reopened.reviewed_count) == (2, 2)
    assert reopened.current_message_id == done_id
    assert schedule_of(last_pair) == before
    send(actor, _user.press(done_id, f"tr:good:{reopened.current_token}"))
    assert session_row() is None
    assert outbound.texts()[-1] == "Well done reviewing 3 cards."


def test_undo_after_a_restart_works_once(actor, outbound, clock):
    send(actor, _user.command("review"))
    pair_id = session_row().pair_ids[0]
    before = schedule_of(pair_id)
    press_button(actor, outbound, "Good")
    carrying = last_message(outbound)
    restarted = new_actor(clock, outbound)  # a restart or passivation: only the database
    press_button(restarted, outbound, "↩ Undo", message=carrying)
    assert schedule_of(pair_id) == before
    press_button(restarted, outbound, "↩ Undo", message=carrying)
    assert answers(outbound)[-1].text == STALE


def test_a_new_session_makes_the_finished_sessions_undo_stale(actor, outbound):
    send(actor, _user.command("review"))
    for _ in range(3):
        press_button(actor, outbound, "Easy")
    done = last_message(outbound)
    send(actor, _user.command("add", "extra, extra2"))
    send(actor, _user.command("getpair"))
    assert session_row() is not None
    token = session_row().current_token
    press_button(actor, outbound, "↩ Undo", message=done)
    assert answers(outbound)[-1].text == STALE
    assert session_row().current_token == token


def test_a_grade_without_undo_costs_no_extra_message_or_edit(actor, outbound):
    send(actor, _user.command("review"))
    for _ in range(3):
        press_button(actor, outbound, "Easy")
    edits = [e for e in outbound.effects if isinstance(e, EditPrompt)]
    assert len(edits) == 3
    assert len(outbound.texts()) == 1 + 3 + 1  # /add reply, three prompts, "Well done"
