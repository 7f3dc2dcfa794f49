"""Training decisions (SPEC §4, §6): start or resume, grade, snooze, expire, the owed prompt.

Pure: the snapshot holds the session and its cards, `Moment` the time, randomness and fresh
tokens. A press counts only for the current token on the current prompt message; a stale
press carrying the current token on another message is a copy sent before a crash kept its
id from being recorded, and loses its buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from wordbot.callback_data import CallbackData
from wordbot.decide.transition import (
    DeleteReview,
    DeleteTraining,
    Moment,
    Prompt,
    PromptTarget,
    SaveCard,
    SaveTraining,
    Snapshot,
    SnoozeDue,
    Transition,
    UpdateLearner,
)
from wordbot.domain.srs import Grade, grade_card
from wordbot.domain.training import Card, SessionKind, TrainingSession, advance
from wordbot.domain.undo import UndoRecord
from wordbot.effects import AnswerCallback, EditPrompt, Effect, RemoveKeyboard, SendText
from wordbot.rendering import training as texts
from wordbot.rendering import vocabulary as common_texts

__all__ = [
    "SNOOZE_DAYS",
    "decide_expire",
    "decide_grade",
    "decide_pair_deleted",
    "decide_start_or_resume",
    "decide_undo",
    "is_undo_press",
    "new_session",
    "offers_snooze",
    "owed_training_prompt",
    "stale_press",
]

SNOOZE_DAYS = {"snooze_day": 1, "snooze_week": 7}


def new_session(
    snapshot: Snapshot, kind: SessionKind, candidates: Sequence[Card], moment: Moment
) -> TrainingSession | None:
    """A session over `candidates` (already selected, SPEC §4.2), or None when there are none."""
    if not candidates:
        return None
    now = moment.now
    learner = snapshot.learner
    pair_ids = tuple(card.pair_id for card in candidates)
    return TrainingSession(
        chat_id=learner.chat_id,
        user_id=learner.user_id,
        pair_ids=pair_ids,
        current_index=0,
        current_token=moment.new_token(),
        current_message_id=None,
        current_prompt_text=_prompt_text(candidates[0], 0, len(pair_ids), moment),
        kind=kind,
        reviewed_count=0,
        last_activity_at=now,
        expires_at=now,
        created_at=now,
    )


def decide_start_or_resume(
    snapshot: Snapshot, kind: SessionKind, candidates: Sequence[Card], moment: Moment
) -> Transition:
    """`/review` or `/getpair`: an active session resumes (its prompt sent again as a new
    message, the old copy without buttons); otherwise a new one starts."""
    session = snapshot.training
    if session is not None:
        owed: tuple[Effect, ...] = ()
        if session.current_message_id is not None:
            owed = (RemoveKeyboard(session.chat_id, session.current_message_id),)
        resumed = replace(session, current_message_id=None, last_activity_at=moment.now)
        return Transition(writes=(SaveTraining(resumed),), owed=owed)
    started = new_session(snapshot, kind, candidates, moment)
    if started is None:
        chat_id = snapshot.learner.chat_id
        return Transition(owed=(SendText(chat_id, texts.nothing_to_review()),))
    return Transition(writes=(SaveTraining(started),))


def decide_grade(snapshot: Snapshot, press, data: CallbackData, moment: Moment) -> Transition:
    """A grade or snooze button of training."""
    session = snapshot.training
    if not _is_current(session, press, data):
        return stale_press(press, data, session)
    if data.action in SNOOZE_DAYS:
        if not offers_snooze(session):
            return stale_press(press, data, session)
        return _snooze(session, press, SNOOZE_DAYS[data.action], moment)
    try:
        grade = Grade(data.action)
    except ValueError:
        return stale_press(press, data, session)
    now = moment.now
    cards = snapshot.cards
    card = cards.get(session.current_pair_id)
    next_index = next(
        (
            index
            for index in range(session.current_index + 1, len(session.pair_ids))
            if session.pair_ids[index] in cards
        ),
        None,
    )
    owed: list[Effect] = [
        EditPrompt(
            session.chat_id,
            press.message_id,
            texts.graded_prompt(session.current_prompt_text, grade),
        )
    ]
    next_prompt = ""
    if next_index is not None:
        next_card = cards[session.pair_ids[next_index]]
        next_prompt = _prompt_text(next_card, next_index, len(session.pair_ids), moment)
    next_session = advance(
        session,
        next_index=next_index,
        next_token=moment.new_token(),
        next_prompt_text=next_prompt,
        now=now,
    )
    writes = []
    undo = None
    if card is not None:  # None: the pair was deleted meanwhile, the session just moves on
        writes.append(SaveCard(card.pair_id, grade_card(card.schedule, grade, now)))
        undo = _undo_record(session, card, grade, press, next_session, moment)
        writes.append(UpdateLearner({"undo": undo}))
    if next_session is None:
        writes.append(DeleteTraining())
        if session.reviewed_count + 1 > 1:
            keyboard = texts.with_undo(None, None if undo is None else undo.token)
            owed.append(
                SendText(session.chat_id, texts.well_done(session.reviewed_count + 1), keyboard)
            )
    else:
        writes.append(SaveTraining(next_session))
    return Transition(
        writes=tuple(writes), owed=tuple(owed), answer=AnswerCallback(press.callback_query_id)
    )


def _undo_record(
    session: TrainingSession,
    card: Card,
    grade: Grade,
    press,
    next_session: TrainingSession | None,
    moment: Moment,
) -> UndoRecord:
    """What the grade changed, kept so "↩ Undo" can take it back (SPEC §13)."""
    return UndoRecord(
        token=moment.new_token(),
        pair_id=card.pair_id,
        grade=grade,
        graded_at=moment.now,
        previous=card.schedule,
        graded_message_id=press.message_id,
        prompt_text=session.current_prompt_text,
        pair_ids=session.pair_ids,
        index=session.current_index,
        kind=session.kind,
        reviewed_count=session.reviewed_count,
        session_created_at=session.created_at,
        next_token=None if next_session is None else next_session.current_token,
    )


def is_undo_press(data: CallbackData | None) -> bool:
    return data is not None and data.action == texts.UNDO_ACTION


def decide_undo(snapshot: Snapshot, press, data: CallbackData, moment: Moment) -> Transition:
    """ "↩ Undo" (SPEC §13): while the grade is the user's latest (the session still right where
    the grade left it) and at most UNDO_WINDOW old, the card gets its schedule back, the grade's
    review_log row goes, the pressed message becomes the undone card's prompt again (fresh
    token), the session is back on that card (reopened if the grade finished it) and the
    graded prompt's marker says "(undone)". Anything else is a stale press."""
    record = snapshot.learner.undo
    session = snapshot.training
    if not _undo_counts(record, session, press, data, moment):
        return stale_press(press, data, None)
    now = moment.now
    chat_id = snapshot.learner.chat_id
    restored = TrainingSession(
        chat_id=chat_id,
        user_id=snapshot.learner.user_id,
        pair_ids=record.pair_ids,
        current_index=record.index,
        current_token=moment.new_token(),
        current_message_id=press.message_id,
        current_prompt_text=record.prompt_text,
        kind=record.kind,
        reviewed_count=record.reviewed_count,
        last_activity_at=now,
        expires_at=now,
        created_at=record.session_created_at,
    )
    keyboard = texts.grade_keyboard(restored.current_token, snooze=offers_snooze(restored))
    return Transition(
        writes=(
            SaveCard(record.pair_id, record.previous),
            DeleteReview(record.pair_id, record.graded_at),
            SaveTraining(restored),
            UpdateLearner({"undo": None}),
        ),
        owed=(
            EditPrompt(chat_id, press.message_id, record.prompt_text, keyboard),
            EditPrompt(
                chat_id,
                record.graded_message_id,
                texts.undone_prompt(record.prompt_text, record.grade),
            ),
        ),
        answer=AnswerCallback(press.callback_query_id),
    )


def _undo_counts(
    record: UndoRecord | None,
    session: TrainingSession | None,
    press,
    data: CallbackData,
    moment: Moment,
) -> bool:
    if record is None or data.token != record.token or not record.is_fresh(moment.now):
        return False
    if press.message_id is None:
        return False
    if record.next_token is None:  # the grade finished the session: none may have started since
        return session is None
    return (
        session is not None
        and session.current_token == record.next_token
        and session.current_message_id == press.message_id
    )


def _snooze(session: TrainingSession, press, days: int, moment: Moment) -> Transition:
    """SPEC §4.5: every due card moves a day or a week on; the session ends."""
    return Transition(
        writes=(SnoozeDue(moment.now + timedelta(days=days)), DeleteTraining()),
        owed=(EditPrompt(session.chat_id, press.message_id, texts.snoozed(days)),),
        answer=AnswerCallback(press.callback_query_id),
    )


def decide_expire(snapshot: Snapshot) -> Transition:
    """SPEC §6.3: the active session ends for a reminder; its prompt says so, without buttons.
    The edit goes through the outbox, so a failed edit is logged and blocks nothing."""
    session = snapshot.training
    if session is None:
        return Transition()
    owed = ()
    if session.current_message_id is not None:
        owed = (
            EditPrompt(
                session.chat_id,
                session.current_message_id,
                texts.expired_prompt(session.current_prompt_text),
            ),
        )
    return Transition(writes=(DeleteTraining(),), owed=owed)


def owed_training_prompt(
    session: TrainingSession | None, undo: UndoRecord | None = None
) -> Prompt | None:
    """The prompt a session still owes (never sent, or resumed): the one life cycle of prompts.
    Right after a grade it carries that grade's "↩ Undo" (SPEC §13)."""
    if session is None or session.current_message_id is not None:
        return None
    keyboard = texts.grade_keyboard(session.current_token, snooze=offers_snooze(session))
    if undo is not None and undo.next_token == session.current_token:
        keyboard = texts.with_undo(keyboard, undo.token)
    message = SendText(session.chat_id, session.current_prompt_text, keyboard)
    return Prompt(PromptTarget.TRAINING, session.current_token, message)


def offers_snooze(session: TrainingSession) -> bool:
    """An overdue reminder session's first card carries the snooze buttons (SPEC §4.5)."""
    return session.kind is SessionKind.OVERDUE and session.current_index == 0


def stale_press(press, data: CallbackData | None, session) -> Transition:
    """A press that counts for nothing: a short notice; a crash-left copy loses its buttons."""
    owed = ()
    if (
        session is not None
        and data is not None
        and data.token == session.current_token
        and press.message_id is not None
        and press.message_id != session.current_message_id
    ):
        owed = (RemoveKeyboard(session.chat_id, press.message_id),)
    return Transition(
        owed=owed, answer=AnswerCallback(press.callback_query_id, common_texts.stale_button())
    )


def _is_current(session, press, data: CallbackData) -> bool:
    return (
        session is not None
        and data.token == session.current_token
        and press.message_id is not None
        and press.message_id == session.current_message_id
    )


def _prompt_text(card: Card, index: int, total: int, moment: Moment) -> str:
    """The prompt for a card, in a random direction."""
    if moment.rng.random() < 0.5:
        return texts.prompt_text(card.word1, card.word2, index + 1, total)
    return texts.prompt_text(card.word2, card.word1, index + 1, total)


def decide_pair_deleted(snapshot: Snapshot, pair_id: int, moment: Moment) -> Transition:
    """A pair deleted in /words (SPEC §13) leaves the live session: a later card is simply
    dropped; the current one's prompt loses its keyboard and the session goes on to its next
    card (a new prompt), or ends quietly when there is none."""
    session = snapshot.training
    if session is None or pair_id not in session.pair_ids:
        return Transition()
    position = session.pair_ids.index(pair_id)
    pair_ids = tuple(other for other in session.pair_ids if other != pair_id)
    if position != session.current_index:
        index = session.current_index - (1 if position < session.current_index else 0)
        return Transition(
            writes=(SaveTraining(replace(session, pair_ids=pair_ids, current_index=index)),)
        )
    owed: tuple[Effect, ...] = ()
    if session.current_message_id is not None:
        owed = (RemoveKeyboard(session.chat_id, session.current_message_id),)
    cards = snapshot.cards
    following = next(
        (index for index in range(position, len(pair_ids)) if pair_ids[index] in cards), None
    )
    if following is None:
        return Transition(writes=(DeleteTraining(),), owed=owed)
    moved = replace(
        session,
        pair_ids=pair_ids,
        current_index=following,
        current_token=moment.new_token(),
        current_message_id=None,
        current_prompt_text=_prompt_text(
            cards[pair_ids[following]], following, len(pair_ids), moment
        ),
        last_activity_at=moment.now,
    )
    return Transition(writes=(SaveTraining(moved),), owed=owed)
