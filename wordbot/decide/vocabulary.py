"""Vocabulary decisions (SPEC §3, §7.6): replies, /add and its pending input, imports, /export,
/clear with its confirmation.

Pure. What a decision needs from storage comes in as facts the caller loaded: for an import
the stored word2 of each parsed word1 and the user's pair count, for /export the pairs, for
/clear the pair count. Decisions where the SPEC is silent:
* The /clear confirmation names the number of pairs, expires after CONFIRMATION_TTL, and a
  new /clear retires the previous question's buttons.
* An import that changes nothing writes nothing, but still says what it found.
* An import writing more than STAGED_IMPORT_ABOVE pairs is staged by the caller first, in
  short transactions of its own (SPEC §7.6: no write holds the writer long); its decision
  then writes `ApplyStagedPairs` instead of the pairs. `pairs_to_write` says what to stage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from wordbot.callback_data import CallbackData
from wordbot.decide.transition import (
    ApplyStagedPairs,
    ClearVocabulary,
    Moment,
    Prompt,
    PromptTarget,
    Snapshot,
    Transition,
    UpdateLearner,
    UpsertPairs,
)
from wordbot.domain.csv_export import export_csv, export_file_name
from wordbot.domain.pairs import MAX_PAIRS_PER_USER, PairInput, ParsedPairs, StagedPairs
from wordbot.effects import (
    AnswerCallback,
    EditPrompt,
    Effect,
    RemoveKeyboard,
    SendDocument,
    SendText,
)
from wordbot.rendering import vocabulary as texts

__all__ = [
    "ADD_INPUT",
    "ADD_INPUT_WINDOW",
    "CONFIRMATION_TTL",
    "STAGED_IMPORT_ABOVE",
    "cancel_pending_input",
    "decide_add_command",
    "decide_clear_command",
    "decide_clear_press",
    "decide_export",
    "decide_import",
    "pairs_to_write",
    "reply",
]

ADD_INPUT = "add"
ADD_INPUT_WINDOW = timedelta(minutes=5)
CONFIRMATION_TTL = timedelta(minutes=10)
STAGED_IMPORT_ABOVE = 500  # pairs: up to this many are written by the unit of work itself


def reply(snapshot: Snapshot, text: str) -> Transition:
    """A plain answer, owed like every other message (sent again after a crash)."""
    return Transition(owed=(SendText(snapshot.learner.chat_id, text),))


def cancel_pending_input(snapshot: Snapshot) -> Transition:
    """Another command or a document ends a waiting `/add`."""
    if snapshot.learner.pending_input is None:
        return Transition()
    return Transition(writes=(UpdateLearner({"pending_input": None, "pending_input_until": None}),))


def decide_add_command(snapshot: Snapshot, moment: Moment) -> Transition:
    """`/add` alone: usage, and the next text within ADD_INPUT_WINDOW is the list."""
    until = moment.now + ADD_INPUT_WINDOW
    return Transition(
        writes=(UpdateLearner({"pending_input": ADD_INPUT, "pending_input_until": until}),),
        owed=(SendText(snapshot.learner.chat_id, texts.add_usage(lang=snapshot.lang)),),
    )


def pairs_to_write(
    parsed: ParsedPairs, stored: Mapping[str, str], pair_count: int
) -> tuple[PairInput, ...]:
    """The pairs `decide_import` would insert or update, new ones first; none when it would
    refuse the import (over MAX_PAIRS_PER_USER). The caller stages these when there are more
    than STAGED_IMPORT_ABOVE."""
    new, changed = _split(parsed, stored)
    if new and pair_count + len(new) > MAX_PAIRS_PER_USER:
        return ()
    return tuple(new + changed)


def decide_import(
    snapshot: Snapshot,
    parsed: ParsedPairs,
    stored: Mapping[str, str],
    pair_count: int,
    staged: StagedPairs | None = None,
) -> Transition:
    """Upsert `parsed` (SPEC §3.2); `stored` maps each parsed word1 the user already has to
    its word2. All or nothing: over MAX_PAIRS_PER_USER nothing is written. `staged`: the
    caller staged exactly `pairs_to_write(...)`, so the write applies those rows instead of
    carrying the pairs."""
    chat_id = snapshot.learner.chat_id
    if not parsed.pairs:
        return Transition(
            owed=(
                SendText(chat_id, texts.import_nothing_found(parsed.skipped, lang=snapshot.lang)),
            )
        )
    new, changed = _split(parsed, stored)
    if new and pair_count + len(new) > MAX_PAIRS_PER_USER:
        text = texts.too_many_pairs(pair_count, len(new), MAX_PAIRS_PER_USER, lang=snapshot.lang)
        return Transition(owed=(SendText(chat_id, text),))
    unchanged = len(parsed.pairs) - len(new) - len(changed)
    summary = SendText(
        chat_id,
        texts.import_summary(len(new), len(changed), parsed.skipped, unchanged, lang=snapshot.lang),
    )
    writes: tuple = ()
    if staged is not None and (new or changed):
        writes = (ApplyStagedPairs(staged),)
    elif new or changed:
        writes = (UpsertPairs(tuple(new + changed)),)
    return Transition(writes=writes, owed=(summary,))


def _split(
    parsed: ParsedPairs, stored: Mapping[str, str]
) -> tuple[list[PairInput], list[PairInput]]:
    """The parsed pairs that are new, and those whose word2 changes."""
    new = [p for p in parsed.pairs if p.word1 not in stored]
    changed = [p for p in parsed.pairs if p.word1 in stored and stored[p.word1] != p.word2]
    return new, changed


def decide_export(
    snapshot: Snapshot, pairs: Sequence[tuple[str, str]], moment: Moment
) -> Transition:
    chat_id = snapshot.learner.chat_id
    if not pairs:
        return Transition(owed=(SendText(chat_id, texts.nothing_to_export(lang=snapshot.lang)),))
    document = SendDocument(
        chat_id,
        export_file_name(moment.now.date()),
        export_csv(pairs),
        texts.export_caption(len(pairs), lang=snapshot.lang),
    )
    return Transition(owed=(document,))


def decide_clear_command(snapshot: Snapshot, pair_count: int, moment: Moment) -> Transition:
    """`/clear`: a confirmation naming the count, valid for CONFIRMATION_TTL."""
    learner = snapshot.learner
    if pair_count == 0:
        return Transition(
            owed=(SendText(learner.chat_id, texts.clear_nothing(lang=snapshot.lang)),)
        )
    owed: tuple[Effect, ...] = ()
    if learner.confirm_message_id is not None:  # the earlier question loses its buttons
        owed = (RemoveKeyboard(learner.chat_id, learner.confirm_message_id),)
    token = moment.new_token()
    question = SendText(
        learner.chat_id,
        texts.clear_question(pair_count, lang=snapshot.lang),
        texts.clear_keyboard(token, lang=snapshot.lang),
    )
    changes = {
        "confirm_token": token,
        "confirm_message_id": None,
        "confirm_until": moment.now + CONFIRMATION_TTL,
    }
    return Transition(
        writes=(UpdateLearner(changes),),
        owed=owed,
        prompt=Prompt(PromptTarget.CLEAR, token, question),
    )


def decide_clear_press(
    snapshot: Snapshot, press, data: CallbackData, pair_count: int, moment: Moment
) -> Transition:
    """Delete or cancel on the current, unexpired confirmation; anything else is stale."""
    learner = snapshot.learner
    current = (
        learner.confirm_token is not None
        and learner.confirm_token == data.token
        and press.message_id is not None
        and learner.confirm_message_id == press.message_id
        and learner.confirm_until is not None
        and moment.now < learner.confirm_until
        and data.action in ("yes", "no")
    )
    if not current:
        return Transition(
            answer=AnswerCallback(press.callback_query_id, texts.stale_button(lang=snapshot.lang))
        )
    done = UpdateLearner({"confirm_token": None, "confirm_message_id": None, "confirm_until": None})
    answer = AnswerCallback(press.callback_query_id)
    if data.action == "no":
        edit = EditPrompt(
            learner.chat_id, press.message_id, texts.clear_cancelled(lang=snapshot.lang)
        )
        return Transition(writes=(done,), owed=(edit,), answer=answer)
    # ClearVocabulary also ends both sessions (a game's statistics closed as replaced)
    owed: list[Effect] = [
        EditPrompt(
            learner.chat_id, press.message_id, texts.clear_done(pair_count, lang=snapshot.lang)
        )
    ]
    for session in (snapshot.training, snapshot.game):
        if session is not None and session.current_message_id is not None:
            owed.append(RemoveKeyboard(learner.chat_id, session.current_message_id))
    return Transition(writes=(done, ClearVocabulary()), owed=tuple(owed), answer=answer)
