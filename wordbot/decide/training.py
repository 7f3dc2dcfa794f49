"""Training decisions (SPEC §4, §6): start or resume, grade, snooze, expire, the owed prompt.

Pure: the snapshot holds the session and its cards, `Moment` the time, randomness and fresh
tokens. A press counts only for the current token on the current prompt message; a stale
press carrying the current token on another message is a copy sent before a crash kept its
id from being recorded, and loses its buttons.

A grade goes through the learner's scheduler (SPEC §12, `fsrs_schedule.decide_grade`): the
card's new schedule and its review_log row are written together, and the grade that makes a
card a leech tells the user once. Decisions where the SPEC is silent:
* `prompt_open_ms` is the time since the session last moved (the prompt was made or sent
  again then); a clock that went backwards gives None.
* The leech message names the card's first word, after the graded prompt's edit.
* Grade buttons are labelled with the intervals as of when the prompt is sent; the grade
  itself is decided at the press (FSRS's intervals grow a little with the time waited).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from wordbot.callback_data import CallbackData
from wordbot.decide.transition import (
    AddReview,
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
from wordbot.domain import fsrs_schedule
from wordbot.domain.fsrs_schedule import SchedulerConfig, SchedulerKind, fuzz_for
from wordbot.domain.learner import Learner
from wordbot.domain.srs import CardSchedule, Grade
from wordbot.domain.training import Card, SessionKind, TrainingSession, advance
from wordbot.domain.undo import UndoRecord
from wordbot.effects import AnswerCallback, EditPrompt, Effect, RemoveKeyboard, SendText
from wordbot.i18n import supported_language
from wordbot.rendering import training as texts
from wordbot.rendering import vocabulary as common_texts

__all__ = [
    "SNOOZE_DAYS",
    "decide_expire",
    "decide_grade",
    "decide_pair_deleted",
    "decide_start_or_resume",
    "is_last_card",
    "decide_undo",
    "is_undo_press",
    "new_session",
    "offers_snooze",
    "learners_owed_prompt",
    "owed_training_prompt",
    "scheduler_config",
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
        current_prompt_text=_prompt_text(candidates[0], 0, len(pair_ids), moment, snapshot.lang),
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
        return Transition(owed=(SendText(chat_id, texts.nothing_to_review(lang=snapshot.lang)),))
    return Transition(writes=(SaveTraining(started),))


def decide_grade(
    snapshot: Snapshot,
    press,
    data: CallbackData,
    moment: Moment,
    streak: str | None = None,
) -> Transition:
    """A grade or snooze button of training. `streak` ("🔥 N days in a row", SPEC §14) follows
    "Well done" when this grade finishes the session."""
    session = snapshot.training
    if not _is_current(session, press, data):
        return stale_press(press, data, session, lang=snapshot.lang)
    if data.action in SNOOZE_DAYS:
        if not offers_snooze(session):
            return stale_press(press, data, session, lang=snapshot.lang)
        return _snooze(session, press, SNOOZE_DAYS[data.action], moment, snapshot.lang)
    try:
        grade = Grade(data.action)
    except ValueError:
        return stale_press(press, data, session, lang=snapshot.lang)
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
            texts.graded_prompt(session.current_prompt_text, grade, lang=snapshot.lang),
        )
    ]
    next_prompt = ""
    if next_index is not None:
        next_card = cards[session.pair_ids[next_index]]
        next_prompt = _prompt_text(
            next_card, next_index, len(session.pair_ids), moment, snapshot.lang
        )
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
        decided = fsrs_schedule.decide_grade(
            card.schedule,
            grade,
            now,
            scheduler_config(snapshot.learner),
            user_id=snapshot.learner.user_id,
            pair_id=card.pair_id,
            fuzz=fuzz_for(card.pair_id, card.schedule),
            prompt_open_ms=_prompt_open_ms(session, now),
        )
        writes.append(SaveCard(card.pair_id, decided.schedule))
        writes.append(AddReview(decided.review))
        if decided.suspended_now:
            owed.append(
                SendText(session.chat_id, texts.leech_suspended(card.word1, lang=snapshot.lang))
            )
        undo = _undo_record(session, card, grade, press, next_session, moment)
        writes.append(UpdateLearner({"undo": undo}))
    if next_session is None:
        writes.append(DeleteTraining())
        if session.reviewed_count + 1 > 1:
            done = texts.well_done(session.reviewed_count + 1, lang=snapshot.lang)
            keyboard = texts.with_undo(
                None, None if undo is None else undo.token, lang=snapshot.lang
            )
            text = f"{done}\n{streak}" if streak else done
            owed.append(SendText(session.chat_id, text, keyboard))
    else:
        writes.append(SaveTraining(next_session))
    return Transition(
        writes=tuple(writes), owed=tuple(owed), answer=AnswerCallback(press.callback_query_id)
    )


def is_last_card(snapshot: Snapshot) -> bool:
    """Whether grading the current card would finish the session (no later card is left)."""
    session = snapshot.training
    if session is None:
        return False
    later = session.pair_ids[session.current_index + 1 :]
    return not any(pair_id in snapshot.cards for pair_id in later)


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
        return stale_press(press, data, None, lang=snapshot.lang)
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
    keyboard = prompt_keyboard(
        restored,
        record.previous,
        record.pair_id,
        scheduler_config(snapshot.learner),
        now,
        lang=snapshot.lang,
    )
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
                texts.undone_prompt(record.prompt_text, record.grade, lang=snapshot.lang),
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


def _snooze(
    session: TrainingSession, press, days: int, moment: Moment, lang: str = "en"
) -> Transition:
    """SPEC §4.5: every due card moves a day or a week on; the session ends."""
    return Transition(
        writes=(SnoozeDue(moment.now + timedelta(days=days)), DeleteTraining()),
        owed=(EditPrompt(session.chat_id, press.message_id, texts.snoozed(days, lang=lang)),),
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
                texts.expired_prompt(session.current_prompt_text, lang=snapshot.lang),
            ),
        )
    return Transition(writes=(DeleteTraining(),), owed=owed)


def owed_training_prompt(
    session: TrainingSession | None,
    card: Card | None = None,
    config: SchedulerConfig | None = None,
    now: datetime | None = None,
    *,
    lang: str = "en",
    undo: UndoRecord | None = None,
) -> Prompt | None:
    """The prompt a session still owes (never sent, or resumed): the one life cycle of prompts;
    a reminder's opening prompt is marked a broadcast, every later one is a reply.
    With the current card, the learner's scheduler and the time, each grade button shows the
    interval it would give ("Good · 3d", SPEC §12); right after a grade it carries that grade's
    "↩ Undo" (SPEC §13)."""
    if session is None or session.current_message_id is not None:
        return None
    schedule = None if card is None else card.schedule
    pair_id = None if card is None else card.pair_id
    keyboard = prompt_keyboard(session, schedule, pair_id, config, now, lang=lang)
    if undo is not None and undo.next_token == session.current_token:
        keyboard = texts.with_undo(keyboard, undo.token, lang=lang)
    message = SendText(
        session.chat_id,
        session.current_prompt_text,
        keyboard,
        broadcast=session.opens_with_reminder,
    )
    return Prompt(PromptTarget.TRAINING, session.current_token, message)


def learners_owed_prompt(
    learner: Learner, session: TrainingSession | None, card: Card | None, now: datetime
) -> Prompt | None:
    """The prompt a learner's session owes, as their actor and a wave's drain both send it:
    in their language, its buttons labelled by their scheduler, with their undo."""
    return owed_training_prompt(
        session,
        card,
        scheduler_config(learner),
        now,
        lang=supported_language(learner.language),
        undo=learner.undo,
    )


def scheduler_config(learner: Learner) -> SchedulerConfig:
    """How the learner's cards are scheduled (SPEC §12)."""
    return SchedulerConfig(
        kind=SchedulerKind(learner.scheduler),
        desired_retention=learner.desired_retention,
        parameters=learner.fsrs_parameters,
    )


def _prompt_open_ms(session: TrainingSession, now: datetime) -> int | None:
    opened = now - session.last_activity_at
    return None if opened < timedelta(0) else int(opened.total_seconds() * 1000)


def prompt_keyboard(
    session: TrainingSession,
    schedule: CardSchedule | None,
    pair_id: int | None,
    config: SchedulerConfig | None,
    now: datetime | None,
    *,
    lang: str = "en",
):
    """The grade buttons of a session's current prompt, labelled with each grade's next
    interval when the card's schedule, the scheduler and the time are known."""
    snooze = offers_snooze(session)
    if schedule is not None and config is not None and now is not None:
        intervals = fsrs_schedule.preview_intervals(
            schedule, now, config, fuzz_for(pair_id, schedule)
        )
        return texts.labelled_grade_keyboard(
            session.current_token, intervals, snooze=snooze, lang=lang
        )
    return texts.grade_keyboard(session.current_token, snooze=snooze, lang=lang)


def offers_snooze(session: TrainingSession) -> bool:
    """An overdue reminder session's first card carries the snooze buttons (SPEC §4.5)."""
    return session.kind is SessionKind.OVERDUE and session.current_index == 0


def stale_press(press, data: CallbackData | None, session, *, lang: str = "en") -> Transition:
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
        owed=owed,
        answer=AnswerCallback(press.callback_query_id, common_texts.stale_button(lang=lang)),
    )


def _is_current(session, press, data: CallbackData) -> bool:
    return (
        session is not None
        and data.token == session.current_token
        and press.message_id is not None
        and press.message_id == session.current_message_id
    )


def _prompt_text(card: Card, index: int, total: int, moment: Moment, lang: str = "en") -> str:
    """The prompt for a card, in a random direction."""
    if moment.rng.random() < 0.5:
        return texts.prompt_text(card.word1, card.word2, index + 1, total, lang=lang)
    return texts.prompt_text(card.word2, card.word1, index + 1, total, lang=lang)


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
            cards[pair_ids[following]], following, len(pair_ids), moment, snapshot.lang
        ),
        last_activity_at=moment.now,
    )
    return Transition(writes=(SaveTraining(moved),), owed=owed)
