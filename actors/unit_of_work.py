"""The unit of work (SPEC §11): one transaction per handled event holding the transition's
writes, the inbox entry's removal and the outbox rows it owes; after delivery, one more that
removes the sent outbox entries and records the prompts' message ids; a big import's staging
(SPEC §7.6) in short transactions of its own before the event's one. The only place in
actors/ that hands writes to a transaction.

The writes run in the writer's thread (storage/writer.py: group commit, many users' units in
one transaction), so what runs there touches only storage: every decision that reads this
user's snapshot cache is made here, in the actor's thread, before the unit is submitted, and
the unit returns the cache updates, which the actor applies once its future says the commit
succeeded. If anything fails, nothing of this unit was written and the cache forgets
everything."""

from __future__ import annotations

import dataclasses
import logging
import random
from collections.abc import Callable, Sequence
from datetime import datetime

from actors.messages import SessionKey
from actors.snapshot_cache import SnapshotCache
from storage import (
    game,
    import_staging,
    inbox,
    outbox,
    review_log,
    training,
    users,
    vocabulary,
    words,
)
from storage.cards import save_schedule
from storage.database import release_connection
from storage.writer import InlineWriter, Writer
from wordbot.decide.transition import (
    AddReview,
    ApplyStagedPairs,
    ClearVocabulary,
    DeleteGame,
    DeletePair,
    DeleteReview,
    DeleteTraining,
    EditPair,
    FinishGame,
    Prompt,
    PromptTarget,
    ResetPair,
    Rules,
    SaveCard,
    SaveGame,
    SaveTraining,
    SetSuspended,
    SnoozeDue,
    StartGame,
    Transition,
    UpdateLearner,
    UpsertPairs,
    Write,
)
from wordbot.domain.pairs import PairInput, StagedPairs
from wordbot.domain.training import TrainingSession

__all__ = ["UnitOfWork", "WaveWork"]

log = logging.getLogger(__name__)

AfterCommit = Callable[[], None]

# writes that may touch thousands of rows: their unit commits in a transaction of its own
_HEAVY = (ApplyStagedPairs, ClearVocabulary, UpsertPairs)


class UnitOfWork:
    def __init__(
        self, key: SessionKey, rules: Rules, cache: SnapshotCache, writer: Writer | None = None
    ) -> None:
        self._key = key
        self._rules = rules
        self._cache = cache
        self._writer = writer if writer is not None else InlineWriter()

    def apply(
        self, transition: Transition, entry_id: int | None, now: datetime, rng: random.Random
    ) -> None:
        """Commit `transition` and the entry's removal at once; nothing to write writes nothing."""
        if transition.changes_nothing and entry_id is None:
            return
        key = self._key

        def unit() -> list[AfterCommit]:
            after = [self._write(write, now, rng) for write in transition.writes]
            if entry_id is not None:
                inbox.mark_handled(entry_id, now)
            outbox.add_to_outbox(key.chat_id, key.user_id, transition.owed, now)
            return after

        heavy = any(isinstance(write, _HEAVY) for write in transition.writes)
        self._commit(unit, alone=heavy)

    def discard(self, entry_id: int, now: datetime) -> None:
        """An entry whose handling failed is removed on its own, so it is not tried forever."""
        self._writer.run(lambda: inbox.mark_handled(entry_id, now))

    def _commit(self, unit: Callable[[], list[AfterCommit]], alone: bool = False) -> None:
        """Hand `unit` to the writer and wait for its outcome; on success the cache learns what
        was written, on failure it forgets everything (and the error goes to the caller)."""
        release_connection()  # nobody waits on the pool for the connection this thread holds
        try:
            after = self._writer.run(unit, alone=alone)
        except BaseException:
            self._cache.forget()
            raise
        for update_cache in after:
            update_cache()

    def stage_import(
        self, pairs: tuple[PairInput, ...], now: datetime, rng: random.Random
    ) -> StagedPairs:
        """Stage a big import's pairs ahead of its decision, a few hundred rows per short
        transaction, so no other user's write waits for the whole import (SPEC §7.6)."""
        return import_staging.stage_pairs(self._key.user_id, pairs, now, rng)

    def discard_staged(self, staged: StagedPairs) -> None:
        """Delete an import's staging rows once its unit of work committed or failed."""
        import_staging.discard_staged(staged.import_id)

    def _write(self, write: Write, now: datetime, rng: random.Random) -> AfterCommit:
        key, cache, rules = self._key, self._cache, self._rules
        match write:
            case SaveTraining(session=session):
                saved = training.save_training_session(session, rules.training_ttl, now)
                return lambda: cache.set_training(saved)
            case DeleteTraining():
                training.delete_training_session(key.chat_id, key.user_id)
                return lambda: cache.set_training(None)
            case SaveCard(pair_id=pair_id, schedule=schedule):
                save_schedule(pair_id, schedule, now)
                return lambda: cache.card_graded(pair_id, schedule)
            case AddReview(entry=entry):
                review_log.record_review(entry)
                return _nothing
            case StartGame(session=session):
                statistics_id = game.start_statistics(key.chat_id, key.user_id, now)
                started = dataclasses.replace(session, statistics_id=statistics_id)
                saved = game.save_game(started, rules.game_idle, now)
                return lambda: cache.set_game(saved)
            case SaveGame(session=session):
                saved = game.save_game(session, rules.game_idle, now)
                return lambda: cache.set_game(saved)
            case DeleteGame():
                game.delete_game(key.chat_id, key.user_id)
                return lambda: cache.set_game(None)
            case FinishGame(statistics_id=statistics_id, reason=reason, score=score):
                game.finish_statistics(statistics_id, reason, score, now)
                return _nothing
            case UpdateLearner(changes=changes):
                if changes:
                    users.update_learner(key.user_id, now, **dict(changes))
                return lambda: cache.update_learner(changes)
            case SnoozeDue(until=until):
                vocabulary.snooze_due(key.user_id, now, until)
                return cache.forget_cards
            case ClearVocabulary():
                vocabulary.clear_vocabulary(key.chat_id, key.user_id, now)
                return lambda: (
                    cache.set_training(None),
                    cache.set_game(None),
                    cache.forget_cards(),
                )
            case UpsertPairs(pairs=pairs):
                vocabulary.upsert_pairs(key.user_id, pairs, now, rng)
                return cache.forget_cards
            case ApplyStagedPairs(staged=staged):
                import_staging.apply_staged_pairs(key.user_id, staged, now)
                return cache.forget_cards
            case DeleteReview(pair_id=pair_id, reviewed_at=reviewed_at):
                review_log.delete_reviews_since(key.user_id, pair_id, reviewed_at)
                return _nothing
            case DeletePair(pair_id=pair_id):
                review_log.delete_pair_reviews(key.user_id, pair_id)
                words.delete_pair(key.user_id, pair_id)
                return lambda: cache.forget_card(pair_id)
            case ResetPair(pair_id=pair_id):
                words.reset_pair(key.user_id, pair_id, now, rng)
                return lambda: cache.forget_card(pair_id)
            case SetSuspended(pair_id=pair_id, suspended=suspended):
                words.set_suspended(key.user_id, pair_id, suspended, now)
                return lambda: cache.forget_card(pair_id)
            case EditPair(pair_id=pair_id, word1=word1, word2=word2):
                words.edit_pair(key.user_id, pair_id, word1, word2, now)
                return lambda: cache.forget_card(pair_id)
        raise TypeError(f"unknown write {write!r}")

    def record_delivery(
        self,
        sent_entries: Sequence[int],
        sent_prompts: Sequence[tuple[Prompt, int]],
        blocked: bool,
        now: datetime,
    ) -> None:
        """After delivery, in one transaction: the outbox entries that went are removed, each
        sent prompt's message id is recorded (only then do its buttons count), and a user who
        blocked the bot is marked inactive."""
        writes = [self._record(prompt, message_id, now) for prompt, message_id in sent_prompts]
        if blocked:
            writes.append(self._mark_blocked(now))
        sent = list(sent_entries)

        def unit() -> list[AfterCommit]:
            outbox.mark_sent(sent)
            return [write() for write in writes if write is not None]

        self._commit(unit)

    def _mark_blocked(self, now: datetime) -> Callable[[], AfterCommit] | None:
        """The user blocked the bot: inactive until they write again (SPEC §7.6)."""
        if self._cache.learner(now).inactive:
            return None
        log.info("%s blocked the bot; marked inactive", self._key)
        return self._learner_write({"inactive": True}, now)

    def _record(
        self, prompt: Prompt, message_id: int, now: datetime
    ) -> Callable[[], AfterCommit] | None:
        """The prompt's message id: only then do its buttons count. Decided here against the
        cache; the returned write runs in the writer's thread and returns the cache update."""
        cache, rules = self._cache, self._rules
        match prompt.target:
            case PromptTarget.TRAINING:
                session = cache.training(now)
                if session is not None and session.current_token == prompt.token:

                    def record_training() -> AfterCommit:
                        saved = training.record_prompt_message(
                            session, message_id, rules.training_ttl, now
                        )
                        return lambda: cache.set_training(saved)

                    return record_training
            case PromptTarget.GAME:
                current = cache.game()
                if current is not None and current.current_token == prompt.token:

                    def record_game() -> AfterCommit:
                        saved = game.record_prompt_message(
                            current, message_id, rules.game_idle, now
                        )
                        return lambda: cache.set_game(saved)

                    return record_game
            case PromptTarget.SETTINGS:
                if cache.learner(now).settings_token == prompt.token:
                    return self._learner_write({"settings_message_id": message_id}, now)
            case PromptTarget.WORDS:
                if cache.learner(now).words_token == prompt.token:
                    return self._learner_write({"words_message_id": message_id}, now)
            case PromptTarget.CLEAR:
                if cache.learner(now).confirm_token == prompt.token:
                    return self._learner_write({"confirm_message_id": message_id}, now)
        return None

    def _learner_write(self, changes: dict, now: datetime) -> Callable[[], AfterCommit]:
        user_id, cache = self._key.user_id, self._cache

        def write() -> AfterCommit:
            users.update_learner(user_id, now, **changes)
            return lambda: cache.update_learner(changes)

        return write


def _nothing() -> None:
    return None


class WaveWork:
    """A reminder wave's units of work (SPEC §6.3–6.5, §9 B3): a page of learners' reminder
    transitions applied in one short transaction of multi-row statements (the sessions, their
    owed messages, one UPDATE of the learners), and what the drain sent recorded in another.
    A session saved here owes its prompt (no message id) until the drain or the learner's
    actor sends it, exactly as start-up replay knows it (`sessions_owing_a_prompt`)."""

    def __init__(self, rules: Rules, writer: Writer | None = None) -> None:
        self._rules = rules
        self._writer = writer if writer is not None else InlineWriter()

    def apply_page(self, decided: Sequence[tuple[SessionKey, Transition]], now: datetime) -> None:
        """Commit every learner's reminder transition at once, or nothing."""
        deletes: list[tuple[int, int]] = []
        sessions: list[TrainingSession] = []
        changes: dict[int, dict[str, object]] = {}
        owed = []
        for key, transition in decided:
            if transition.prompt is not None or transition.answer is not None:
                raise TypeError(f"a wave sends no prompt or answer itself: {transition!r}")
            for write in transition.writes:
                match write:
                    case DeleteTraining():
                        deletes.append((key.chat_id, key.user_id))
                    case SaveTraining(session=session):
                        sessions.append(session)
                    case UpdateLearner(changes=changed):
                        changes.setdefault(key.user_id, {}).update(changed)
                    case _:
                        raise TypeError(f"a wave cannot apply {write!r}")
            owed += [(key.chat_id, key.user_id, effect) for effect in transition.owed]

        def unit() -> None:
            training.delete_training_sessions(deletes)
            training.save_training_sessions(sessions, self._rules.training_ttl, now)
            users.update_learners(changes, now)
            outbox.add_many_to_outbox(owed, now)

        release_connection()  # the page's reads are done: the writer writes it
        self._writer.run(unit, alone=True)  # a page: never lengthens its neighbours' batch

    def record_sent(
        self,
        sent_prompts: Sequence[tuple[TrainingSession, int]],
        sent_entries: Sequence[int],
        blocked_user_ids: Sequence[int],
        now: datetime,
    ) -> None:
        """After the drain sent a batch, in one transaction: each prompt's message id (only
        then do its buttons count; a session that moved on meanwhile is left alone), the
        outbox entries that went, and the users who blocked the bot marked inactive."""

        def unit() -> None:
            outbox.mark_sent(sent_entries)
            for session, message_id in sent_prompts:
                training.record_prompt_message(session, message_id, self._rules.training_ttl, now)
            users.update_learners(
                {user_id: {"inactive": True} for user_id in blocked_user_ids}, now
            )

        release_connection()
        self._writer.run(unit)
