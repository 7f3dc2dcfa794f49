"""The UserSession actor: the only handler and writer of one (chat, user)'s state.

Every event goes one way (SPEC §11): snapshot (cached) → a pure decision → one unit of work
(the writes, the inbox entry's removal and the owed messages) → delivery (the outbox, the
press's answer and any owed prompt, whose message id is then recorded). This module only
chooses the decision for an event and loads the facts it needs through the snapshot cache.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

import pykka

from actors.delivery import Deliverer
from actors.messages import (
    ComputeDial,
    EndIdleGame,
    HandleUpdate,
    LearnerChanged,
    Passivated,
    Recover,
    ReminderDue,
    SessionKey,
)
from actors.pictures import picture_job
from actors.services import Services
from actors.snapshot_cache import SnapshotCache
from actors.unit_of_work import UnitOfWork
from storage.database import connection_scope
from wordbot.callback_data import (
    CLEAR_SCOPE,
    GAME_SCOPE,
    SETTINGS_SCOPE,
    TRAINING_SCOPE,
    decode_callback,
    new_token,
)
from wordbot.decide import game as game_rules
from wordbot.decide import vocabulary as vocabulary_rules
from wordbot.decide import words as words_rules
from wordbot.decide.operating import (
    decide_admin,
    decide_feedback_command,
    decide_feedback_reply,
    decide_feedback_text,
    decide_seen,
    is_admin,
)
from wordbot.decide.reminders import decide_reminder, decide_unblocked, decide_user_active
from wordbot.decide.settings import (
    cancel_text_input,
    decide_settings_command,
    decide_settings_press,
    decide_settings_text,
    shows_dial,
    wants_dial,
)
from wordbot.decide.stats import StatsPicture, decide_stats, streak_line_for
from wordbot.decide.training import (
    decide_grade,
    decide_start_or_resume,
    decide_undo,
    is_last_card,
    is_undo_press,
    learners_owed_prompt,
    stale_press,
)
from wordbot.decide.transition import (
    Moment,
    SaveCard,
    SaveTraining,
    Snapshot,
    Transition,
    merge,
)
from wordbot.domain.csv_import import is_supported_document, parse_document
from wordbot.domain.game import build_deck
from wordbot.domain.pairs import (
    MAX_IMPORT_BYTES,
    PairInput,
    StagedPairs,
    VocabularyInputError,
    parse_pairs_text,
)
from wordbot.domain.training import SessionKind
from wordbot.effects import AnswerCallback, SendText
from wordbot.i18n import language_for, supported_language
from wordbot.rendering import vocabulary as texts
from wordbot.rendering.words import WORDS_SCOPE
from wordbot.transport.sender import FileTooLarge
from wordbot.transport.updates import (
    ButtonPress,
    CommandMessage,
    DocumentMessage,
    Incoming,
    OtherMessage,
    TextMessage,
)

__all__ = ["UserSession"]

log = logging.getLogger(__name__)

Decision = Callable[[Moment], Transition]


class UserSession(pykka.ThreadingActor):
    """Handles one user's events one at a time; can be driven without `.start()` in tests."""

    use_daemon_thread = True  # a stuck Telegram call never keeps the process from exiting

    def __init__(
        self, key: SessionKey, services: Services, supervisor: pykka.ActorRef | None = None
    ) -> None:
        super().__init__()
        self.key = key
        self._services = services
        self._supervisor = supervisor
        self._rules = services.rules()
        self._rng = services.rng_for(key.chat_id, key.user_id)
        self._cache = SnapshotCache(key)
        self._work = UnitOfWork(key, self._rules, self._cache, services.writer)
        self._delivery = Deliverer(key, self._work, services.outbound)
        self._metrics = services.metrics
        self._after_commit: list[Callable[[], None]] = []  # e.g. a /stats picture, a counter
        self._releases: list[Callable[[], None]] = []  # given back once applied or failed

    def on_receive(self, message: Any) -> Any:
        match message:
            case HandleUpdate():
                self._handle_update(message)
            case Recover():
                self._housekeeping(lambda moment: Transition())  # pays what is owed
            case EndIdleGame():
                self._housekeeping(self._end_idle_game)
            case ReminderDue():
                self._housekeeping(self._reminder_due)
            case LearnerChanged():
                self._cache.forget_learner()
            case _:
                log.warning("user actor %s: unknown message %r", self.key, message)
        return None

    def on_stop(self) -> None:
        if self._supervisor is not None:
            with contextlib.suppress(pykka.ActorDeadError):  # shutting down
                self._supervisor.tell(Passivated(self.key, self.actor_urn))

    # --- the one path of a change --------------------------------------------------------------

    def _change(self, decide: Decision, entry_id: int | None = None) -> None:
        now = self._services.clock.now()
        moment = Moment(now, self._rng, new_token)
        self._after_commit, self._releases = [], []
        try:
            transition = decide(moment)
            self._work.apply(transition, entry_id, now, self._rng)
        except BaseException:
            self._after_commit = []
            raise
        finally:
            releases, self._releases = self._releases, []
            for release in releases:
                release()
        prompts = [transition.prompt] if transition.prompt is not None else []
        targets = {prompt.target for prompt in prompts}
        game = self._cache.game()
        if game is not None and game.is_expired(now):
            game = None  # it owes its summary, not a prompt
        lang = supported_language(self._cache.learner(now).language)
        for owed in (
            self._owed_training_prompt(now),
            game_rules.owed_game_prompt(game, lang=lang),
        ):
            if owed is not None and owed.target not in targets:
                prompts.append(owed)
        self._delivery.deliver(transition.answer, prompts, now, flush=bool(transition.owed))
        after, self._after_commit = self._after_commit, []
        for step in after:
            step()

    def _owed_training_prompt(self, now):
        """The prompt the session owes, its buttons labelled for the current card."""
        session = self._cache.training(now)
        if session is None or session.current_message_id is not None:
            return None
        pair_id = session.current_pair_id
        card = self._cache.cards([pair_id]).get(pair_id)
        return learners_owed_prompt(self._cache.learner(now), session, card, now)

    def _snapshot(self, moment: Moment, card_ids=()) -> Snapshot:
        return self._cache.snapshot(moment.now, card_ids)

    def _housekeeping(self, decide: Decision) -> None:
        """Work not caused by an update; failures are logged, the actor lives."""
        try:
            with connection_scope():
                self._change(decide)
        except Exception:
            log.exception("user actor %s: housekeeping failed", self.key)
            self._cache.forget()

    def _handle_update(self, message: HandleUpdate) -> None:
        try:
            with connection_scope():
                self._change(
                    lambda moment: self._decide_update(message.incoming, moment), message.entry_id
                )
            self._count_handled(message)
        except Exception:
            log.exception("user actor %s: update %s failed", self.key, message.incoming.update_id)
            self._cache.forget()
            self._apologise(message)
        finally:
            if message.completion is not None:
                message.completion.set(None)

    def _count_handled(self, message: HandleUpdate) -> None:
        """SPEC §16: updates handled, and how long after reaching the inbox."""
        if self._metrics is None:
            return
        if message.received_at is None:
            self._metrics.updates_handled.inc()
            return
        waited = self._services.clock.now() - message.received_at
        self._metrics.update_handled(max(0.0, waited.total_seconds()))

    def _after(self, step: Callable[[], None]) -> None:
        """Run `step` once this event's unit of work has committed and its delivery is done."""
        self._after_commit.append(step)

    def _count(self, record: Callable[[Any], None]) -> None:
        metrics = self._metrics
        if metrics is not None:
            self._after(lambda: record(metrics))

    def _send_picture(self, picture: StatsPicture) -> None:
        """Hand the /stats picture to the picture worker (in this thread when there is none)."""
        job = picture_job(picture, self._services.outbound)
        if self._services.pictures is None:
            job()
        else:
            self._services.pictures.submit(job)

    def _ask_for_dial(self, dial) -> None:
        """SPEC §12: the Learning screen's dial is worked out by the Scheduler's worker, never
        here; ask for it when the learner is on that screen without a fresh one."""
        if wants_dial(self._cache.learner(self._services.clock.now()), dial):
            self._services.scheduler.tell(ComputeDial(self.key))

    def _apologise(self, message: HandleUpdate) -> None:
        """Say so, and remove the entry on its own so it is not tried forever."""
        incoming = message.incoming
        try:
            # the cache was dropped with the failure: the language Telegram reports
            text = texts.something_went_wrong(lang=language_for(incoming.language_code))
            if isinstance(incoming, ButtonPress):
                effect = AnswerCallback(incoming.callback_query_id, text)
            else:
                effect = SendText(self.key.chat_id, text)
            self._delivery.send_now(effect)
            if message.entry_id is not None:
                with connection_scope():
                    self._work.discard(message.entry_id, self._services.clock.now())
        except Exception:
            log.exception("user actor %s: could not report the failure", self.key)

    # --- which decision an event takes ---------------------------------------------------------

    def _reminder_due(self, moment: Moment) -> Transition:
        snapshot = self._snapshot(moment)
        facts = self._cache.reminder_facts(moment.now, snapshot.learner.cards_per_session)
        decided = decide_reminder(snapshot, facts, self._rules, moment)
        if any(isinstance(write, SaveTraining) for write in decided.writes):
            self._count(lambda metrics: metrics.reminders_sent.inc())
        return decided

    def _end_idle_game(self, moment: Moment) -> Transition:
        return game_rules.decide_end_idle(self._snapshot(moment), self._rules, moment)

    def _decide_update(self, incoming: Incoming, moment: Moment) -> Transition:
        # first contact creates the learner's row, in the language Telegram reports
        snapshot = self._cache.snapshot(moment.now, language=language_for(incoming.language_code))
        active = merge(
            merge(
                decide_user_active(snapshot, self._rules, moment),
                decide_unblocked(snapshot, self._rules, moment),
            ),
            decide_seen(snapshot, moment),
        )
        match incoming:
            case CommandMessage(command=command, args=args):
                cancel = Transition()
                if command != "add":
                    cancel = vocabulary_rules.cancel_pending_input(snapshot)
                if command != "settings":
                    cancel = merge(cancel, cancel_text_input(snapshot))
                if command != "words":
                    cancel = merge(cancel, words_rules.cancel_edit(snapshot, moment))
                decided = merge(
                    cancel,
                    self._command(snapshot, command, args, moment, incoming.sender_name),
                )
            case TextMessage(text=text):
                decided = self._text(snapshot, text, moment, incoming)
            case DocumentMessage():
                cancel = vocabulary_rules.cancel_pending_input(snapshot)
                decided = merge(cancel, self._document(snapshot, incoming))
            case ButtonPress():
                decided = self._press(snapshot, incoming, moment)
            case OtherMessage():
                decided = vocabulary_rules.reply(
                    snapshot, texts.unsupported_message(lang=snapshot.lang)
                )
            case _:
                decided = Transition()
        return merge(active, decided)

    def _command(
        self,
        snapshot: Snapshot,
        command: str,
        args: str,
        moment: Moment,
        sender_name: str | None = None,
    ) -> Transition:
        reply = vocabulary_rules.reply
        match command:
            case "start":
                return reply(snapshot, texts.welcome_text(lang=snapshot.lang))
            case "help":
                return reply(snapshot, texts.help_text(lang=snapshot.lang))
            case "add" if args:
                return self._import_text(snapshot, args)
            case "add":
                return vocabulary_rules.decide_add_command(snapshot, moment)
            case "export":
                return vocabulary_rules.decide_export(snapshot, self._cache.export_pairs(), moment)
            case "clear":
                return vocabulary_rules.decide_clear_command(
                    snapshot, self._cache.pair_count(), moment
                )
            case "review" | "getpair":
                kind = SessionKind.REVIEW if command == "review" else SessionKind.GETPAIR
                candidates = []
                if snapshot.training is None:
                    size = 1 if kind is SessionKind.GETPAIR else snapshot.learner.cards_per_session
                    candidates = self._cache.session_candidates(moment.now, size)
                return decide_start_or_resume(snapshot, kind, candidates, moment)
            case "game":
                deck = ()
                if game_rules.wants_new_game(snapshot, args, moment):
                    deck = build_deck(self._cache.pair_ids(), moment.rng)
                    snapshot = self._snapshot(moment, [card.pair_id for card in deck])
                return game_rules.decide_game_command(snapshot, args, deck, self._rules, moment)
            case "settings":
                return decide_settings_command(snapshot, self._rules, moment)
            case "stats":
                decided = decide_stats(snapshot, self._cache.stats_facts(moment.now), moment)
                if decided.picture is not None:
                    picture = decided.picture
                    self._after(lambda: self._send_picture(picture))
                return decided.transition
            case "feedback":
                admins = self._services.settings.admin.ids
                return decide_feedback_command(snapshot, args, sender_name, admins, moment)
            case "admin" if is_admin(snapshot, self._services.settings.admin.ids):
                return decide_admin(snapshot, self._cache.admin_counts(moment.now))
            case "words":
                view = words_rules.command_view(args)
                facts = self._cache.words_facts(words_rules.wanted_for(view))
                return words_rules.decide_words_command(snapshot, view, facts, moment)
            case _:
                return reply(snapshot, texts.unknown_command(command, lang=snapshot.lang))

    def _text(
        self, snapshot: Snapshot, text: str, moment: Moment, message: TextMessage | None = None
    ) -> Transition:
        admins = self._services.settings.admin.ids
        if message is not None:
            answered = decide_feedback_reply(snapshot, message, admins)
            if answered is not None:
                return answered
            forwarded = decide_feedback_text(snapshot, message, admins, moment)
            if forwarded is not None:
                return forwarded
        if snapshot.learner.awaits_input(vocabulary_rules.ADD_INPUT, moment.now):
            return merge(
                vocabulary_rules.cancel_pending_input(snapshot), self._import_text(snapshot, text)
            )
        settings = decide_settings_text(snapshot, text, self._rules, moment)
        if settings is not None:
            return settings
        if words_rules.awaits_edit(snapshot, moment):
            result = words_rules.edit_result(snapshot, text, moment)
            if result is not None:
                view = snapshot.learner.words_view
                facts = self._cache.words_facts(words_rules.wanted_for(view, result))
                return words_rules.decide_words_edit(snapshot, result, facts, moment)
        if game_rules.active_game(snapshot, moment) is not None:
            return game_rules.decide_game_answer(snapshot, text, self._rules, moment)
        return merge(
            game_rules.decide_end_idle(snapshot, self._rules, moment),
            vocabulary_rules.reply(snapshot, texts.text_hint(lang=snapshot.lang)),
        )

    def _import_text(self, snapshot: Snapshot, text: str) -> Transition:
        try:
            parsed = parse_pairs_text(text, delimiter_per_line=True)
        except VocabularyInputError as error:
            return vocabulary_rules.reply(
                snapshot,
                texts.import_error(
                    texts.refusal_reason(error, lang=snapshot.lang), lang=snapshot.lang
                ),
            )
        return self._import(snapshot, parsed)

    def _import(self, snapshot: Snapshot, parsed) -> Transition:
        stored = self._cache.stored_word2([pair.word1 for pair in parsed.pairs])
        pair_count = self._cache.pair_count() if parsed.pairs else 0
        staged = self._stage_big_import(vocabulary_rules.pairs_to_write(parsed, stored, pair_count))
        return vocabulary_rules.decide_import(snapshot, parsed, stored, pair_count, staged)

    def _stage_big_import(self, pairs: tuple[PairInput, ...]) -> StagedPairs | None:
        """SPEC §7.6: a big import is staged in short transactions before its decision; its
        staging rows go once the unit of work committed or failed (cleanup, if we die)."""
        if len(pairs) <= vocabulary_rules.STAGED_IMPORT_ABOVE:
            return None
        staged = self._work.stage_import(pairs, self._services.clock.now(), self._rng)
        self._releases.append(lambda: self._discard_staged(staged))
        return staged

    def _discard_staged(self, staged: StagedPairs) -> None:
        try:
            self._work.discard_staged(staged)
        except Exception:  # the rows are never applied again; cleanup deletes them later
            log.exception("user actor %s: staged import %s not discarded", self.key, staged)

    def _document(self, snapshot: Snapshot, document: DocumentMessage) -> Transition:
        reply = vocabulary_rules.reply
        if not is_supported_document(document.file_name, document.mime_type):
            return reply(snapshot, texts.unsupported_document(lang=snapshot.lang))
        if document.file_size is not None and document.file_size > MAX_IMPORT_BYTES:
            return reply(snapshot, texts.document_too_large(lang=snapshot.lang))
        gate = self._services.import_gate
        if not gate.try_acquire():  # SPEC §7.6: two file imports at once in the process
            return reply(snapshot, texts.imports_busy(lang=snapshot.lang))
        # the slot is held through the download, the parse and the unit of work's commit
        self._releases.append(gate.release)
        return self._document_import(snapshot, document)

    def _document_import(self, snapshot: Snapshot, document: DocumentMessage) -> Transition:
        reply = vocabulary_rules.reply
        try:
            content = self._delivery.download(document.file_id, MAX_IMPORT_BYTES)
        except FileTooLarge:
            return reply(snapshot, texts.document_too_large(lang=snapshot.lang))
        if content is None:
            return reply(snapshot, texts.download_failed(lang=snapshot.lang))
        try:
            parsed = parse_document(content)
        except VocabularyInputError as error:
            return reply(
                snapshot,
                texts.import_error(
                    texts.refusal_reason(error, lang=snapshot.lang), lang=snapshot.lang
                ),
            )
        return self._import(snapshot, parsed)

    def _press(self, snapshot: Snapshot, press: ButtonPress, moment: Moment) -> Transition:
        data = decode_callback(press.data)
        scope = None if data is None else data.scope
        if scope == CLEAR_SCOPE:
            pair_count = self._cache.pair_count()
            return vocabulary_rules.decide_clear_press(snapshot, press, data, pair_count, moment)
        if scope == TRAINING_SCOPE and is_undo_press(data):
            undo = snapshot.learner.undo
            if undo is not None:
                snapshot = self._snapshot(moment, [undo.pair_id])
            return decide_undo(snapshot, press, data, moment)
        if scope == TRAINING_SCOPE:
            streak = None
            if is_last_card(snapshot):  # "Well done" may follow: with the streak (SPEC §14)
                review_times = self._cache.review_times(moment.now)
                streak = streak_line_for(snapshot.learner, review_times, moment.now)
            decided = decide_grade(snapshot, press, data, moment, streak)
            if any(isinstance(write, SaveCard) for write in decided.writes):
                self._count(lambda metrics: metrics.graded(data.action))
            return decided
        if scope == GAME_SCOPE:
            deck = ()
            if data.action == "new":
                deck = build_deck(self._cache.pair_ids(), moment.rng)
                snapshot = self._snapshot(moment, [card.pair_id for card in deck])
            return game_rules.decide_game_press(snapshot, press, data, deck, self._rules, moment)
        if scope == SETTINGS_SCOPE:
            dial = None
            if shows_dial(snapshot.learner, data.action):
                dial = self._cache.dial_facts()
                self._after(lambda: self._ask_for_dial(dial))
            return decide_settings_press(snapshot, press, data, self._rules, moment, dial)
        if scope == WORDS_SCOPE:
            result = words_rules.press_result(snapshot, press, data, moment)
            facts = None
            if result is not None:
                wanted = words_rules.wanted_for(snapshot.learner.words_view, result)
                facts = self._cache.words_facts(wanted)
            return words_rules.decide_words_press(snapshot, press, data, result, facts, moment)
        return stale_press(press, data, None, lang=snapshot.lang)
