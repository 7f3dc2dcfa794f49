"""/words decisions (SPEC §13): the command, a press on its message and the typed edit.

Pure. The reducer of `wordbot.domain.words_menu` says where a press or a typed edit leads; this
module turns that into a Transition: the write (DeletePair, ResetPair, SetSuspended, EditPair),
the learner's /words state (token, message id, view), the message edited in place and a
notice. The caller asks what to load (`wanted_*`), loads it through the snapshot cache as
`WordsFacts` and passes it in.

Decisions where the SPEC is silent:
* One live /words message per user: a new /words sends a new one and takes the buttons off
  the old one. Its token stays for the message's life; the view (which screen) decides which
  presses count, so a second "Delete" confirmation press is stale.
* A press counts only with the current token on the current /words message.
* Delete also takes the pair out of the live training session and game (`decide_pair_deleted`
  of each) in the same unit of work; deleting, resetting, suspending or editing a pair of the
  session an undo would restore makes that undo stale (the undo record is cleared).
* A command other than /words ends a waiting Edit: the message goes back to the card screen
  state without its buttons (send /words again), so a later text is never taken as an edit
  by surprise (e.g. a /game answer).
* A typed edit that is taken edits the /words message to the card and replies "Saved."; one
  that is not gets a hint and the bot keeps waiting until the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wordbot.callback_data import CallbackData
from wordbot.decide import game as game_rules
from wordbot.decide import training as training_rules
from wordbot.decide import vocabulary as vocabulary_rules
from wordbot.decide.transition import (
    Moment,
    Prompt,
    PromptTarget,
    Snapshot,
    Transition,
    UpdateLearner,
    merge,
)
from wordbot.domain.srs import CardState
from wordbot.domain.word_list import CardDetails, WordsPage
from wordbot.domain.words_menu import (
    DeletePair,
    EditPair,
    Notice,
    ResetPair,
    Screen,
    SetSuspended,
    WordsResult,
    WordsView,
    apply_edit_text,
    apply_press,
    card_gone,
    open_words,
)
from wordbot.effects import AnswerCallback, EditPrompt, Effect, RemoveKeyboard, SendText
from wordbot.rendering import words as texts

__all__ = [
    "WantedWords",
    "WordsFacts",
    "awaits_edit",
    "cancel_edit",
    "command_view",
    "decide_words_command",
    "decide_words_edit",
    "decide_words_press",
    "edit_result",
    "press_result",
    "wanted_for",
]


@dataclass(frozen=True, slots=True)
class WantedWords:
    """What to load for a /words screen."""

    pair_id: int | None = None  # the card to show or change
    query: str | None = None
    page: int = 0
    list: bool = False  # the list is shown (else only when the card is gone)
    without: int | None = None  # a pair being deleted, left out of the page
    word1: str | None = None  # a typed edit's word1: who has it already


@dataclass(frozen=True, slots=True)
class WordsFacts:
    card: CardDetails | None = None
    page: WordsPage | None = None
    word1_owner: int | None = None


# --- what to load ---------------------------------------------------------------------------


def command_view(args: str) -> WordsView:
    """The view `/words args` opens."""
    return open_words(args)


def wanted_for(view: WordsView, result: WordsResult | None = None) -> WantedWords:
    """What the screen after `result` (or `view` itself) needs."""
    shown = view if result is None else result.view
    write = None if result is None else result.write
    pair_id = shown.pair_id if shown.pair_id is not None else view.pair_id
    if shown.screen is Screen.LIST and write is None:
        pair_id = None
    return WantedWords(
        pair_id=pair_id,
        query=shown.query,
        page=shown.page,
        list=shown.screen is Screen.LIST,
        without=write.pair_id if isinstance(write, DeletePair) else None,
        word1=write.word1 if isinstance(write, EditPair) else None,
    )


# --- the command ----------------------------------------------------------------------------


def decide_words_command(
    snapshot: Snapshot, view: WordsView, facts: WordsFacts, moment: Moment
) -> Transition:
    """`/words [text]`: a new /words message on `view`; the old one loses its buttons."""
    learner = snapshot.learner
    token = moment.new_token()
    owed: tuple[Effect, ...] = ()
    if learner.words_message_id is not None:
        owed = (RemoveKeyboard(learner.chat_id, learner.words_message_id),)
    text, keyboard = texts.words_screen(
        view, facts.page, _zone(learner.timezone), token, lang=snapshot.lang
    )
    state = {"words_token": token, "words_message_id": None, "words_view": view}
    return Transition(
        writes=(UpdateLearner(state),),
        owed=owed,
        prompt=Prompt(PromptTarget.WORDS, token, SendText(learner.chat_id, text, keyboard)),
    )


# --- presses --------------------------------------------------------------------------------


def press_result(
    snapshot: Snapshot, press, data: CallbackData | None, moment: Moment
) -> WordsResult | None:
    """Where a press on the /words message leads; None when it does not count."""
    learner = snapshot.learner
    if (
        data is None
        or learner.words_view is None
        or learner.words_token is None
        or data.token != learner.words_token
        or press.message_id is None
        or press.message_id != learner.words_message_id
    ):
        return None
    return apply_press(learner.words_view, data.action, moment.now)


def decide_words_press(
    snapshot: Snapshot,
    press,
    data: CallbackData | None,
    result: WordsResult | None,
    facts: WordsFacts | None,
    moment: Moment,
) -> Transition:
    """The press's write, the message edited to the next screen and a notice."""
    if result is None or facts is None:
        return training_rules.stale_press(press, data, None, lang=snapshot.lang)
    learner = snapshot.learner
    view = learner.words_view
    changed, shown, result = _apply(snapshot, view, result, facts, moment)
    edit = _show(snapshot, result.view, shown)
    notice = None if result.notice is None else texts.notice_text(result.notice, lang=snapshot.lang)
    decided = merge(changed, edit)
    if view.screen is not Screen.EDIT and result.view.screen is Screen.EDIT:
        decided = merge(vocabulary_rules.cancel_pending_input(snapshot), decided)
    return merge(decided, Transition(answer=AnswerCallback(press.callback_query_id, notice)))


# --- the typed edit -------------------------------------------------------------------------


def awaits_edit(snapshot: Snapshot, moment: Moment) -> bool:
    """Whether the user's next text is a /words edit (SPEC §13: within EDIT_INPUT_TTL)."""
    view = snapshot.learner.words_view
    return (
        view is not None
        and view.screen is Screen.EDIT
        and view.deadline is not None
        and moment.now <= view.deadline
    )


def edit_result(snapshot: Snapshot, text: str, moment: Moment) -> WordsResult | None:
    view = snapshot.learner.words_view
    if view is None:
        return None
    return apply_edit_text(view, text, moment.now)


def decide_words_edit(
    snapshot: Snapshot, result: WordsResult, facts: WordsFacts, moment: Moment
) -> Transition:
    """A typed edit: taken (the pair's text replaced, the card shown, "Saved."), or a hint."""
    learner = snapshot.learner
    chat_id = learner.chat_id
    if result.problem is not None:
        return vocabulary_rules.reply(
            snapshot,
            texts.edit_problem_text(
                result.problem, result.input_reason or result.reason, lang=snapshot.lang
            ),
        )
    write = result.write
    if (
        isinstance(write, EditPair)
        and facts.word1_owner is not None
        and facts.word1_owner != write.pair_id
        and facts.card is not None
    ):
        return vocabulary_rules.reply(
            snapshot, texts.word1_taken_text(write.word1, lang=snapshot.lang)
        )
    if isinstance(write, EditPair):
        result = replace(result, notice=Notice.EDITED)
    changed, shown, result = _apply(snapshot, learner.words_view, result, facts, moment)
    decided = merge(changed, _show(snapshot, result.view, shown))
    if result.notice is not None:
        notice = texts.notice_text(result.notice, lang=snapshot.lang)
        decided = merge(decided, Transition(owed=(SendText(chat_id, notice),)))
    return decided


def cancel_edit(snapshot: Snapshot, moment: Moment) -> Transition:
    """A command ends a waiting Edit: the card screen is the state, the message without buttons."""
    if not awaits_edit(snapshot, moment):
        return Transition()
    learner = snapshot.learner
    view = replace(learner.words_view, screen=Screen.CARD, deadline=None)
    owed: tuple[Effect, ...] = ()
    if learner.words_message_id is not None:
        owed = (RemoveKeyboard(learner.chat_id, learner.words_message_id),)
    state = {"words_view": view, "words_message_id": None, "words_token": None}
    return Transition(writes=(UpdateLearner(state),), owed=owed)


# --- shared ---------------------------------------------------------------------------------


def _apply(
    snapshot: Snapshot,
    view: WordsView,
    result: WordsResult,
    facts: WordsFacts,
    moment: Moment,
) -> tuple[Transition, CardDetails | WordsPage | None, WordsResult]:
    """The write of `result` (when its card is still the user's) with what follows from it,
    and what the next screen shows."""
    card = facts.card
    needs_card = result.write is not None or result.view.screen is not Screen.LIST
    if needs_card and card is None:
        return Transition(), facts.page, card_gone(view)
    write = result.write
    writes = []
    decided = Transition()
    if write is not None:
        writes.append(write)
        undo = snapshot.learner.undo
        if undo is not None and write.pair_id in undo.pair_ids:
            writes.append(UpdateLearner({"undo": None}))
    match write:
        case DeletePair(pair_id=pair_id):
            decided = merge(
                training_rules.decide_pair_deleted(snapshot, pair_id, moment),
                game_rules.decide_pair_deleted(snapshot, pair_id, moment),
            )
        case ResetPair():
            card = replace(card, state=CardState.NEW, due_at=None, reps=0, lapses=0)
        case SetSuspended(suspended=suspended):
            card = replace(card, suspended=suspended)
        case EditPair(word1=word1, word2=word2):
            card = replace(card, word1=word1, word2=word2)
    shown = facts.page if result.view.screen is Screen.LIST else card
    return merge(Transition(writes=tuple(writes)), decided), shown, result


def _show(snapshot: Snapshot, view: WordsView, shown) -> Transition:
    """Store `view` and edit the /words message to show it."""
    learner = snapshot.learner
    writes = (UpdateLearner({"words_view": view}),)
    if learner.words_message_id is None or learner.words_token is None or shown is None:
        return Transition(writes=writes)
    text, keyboard = texts.words_screen(
        view, shown, _zone(learner.timezone), learner.words_token, lang=snapshot.lang
    )
    edit = EditPrompt(learner.chat_id, learner.words_message_id, text, keyboard)
    return Transition(writes=writes, owed=(edit,))


def _zone(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
