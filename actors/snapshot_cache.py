"""A user's snapshot, cached in their actor (SPEC §11): learner, sessions and cards, read from
storage on first need and kept up to date from what the unit of work applied. It is also the
one reader of the facts a decision needs (the cards to review, the pair count...), so flows
never call storage themselves."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime

from actors.messages import SessionKey
from storage import admin, cards, game, retention_dials, training, users, vocabulary, words
from storage import stats as stats_storage
from wordbot import __version__
from wordbot.decide.reminders import ReminderFacts
from wordbot.decide.stats import StatsFacts
from wordbot.decide.transition import Snapshot
from wordbot.decide.words import WantedWords, WordsFacts
from wordbot.domain.game import GameCard
from wordbot.domain.game_session import GameSession
from wordbot.domain.learner import Learner
from wordbot.domain.new_cards import learner_zone, user_day
from wordbot.domain.operating import AdminCounts
from wordbot.domain.retention_dial import DialFacts
from wordbot.domain.srs import CardSchedule
from wordbot.domain.training import Card, TrainingSession
from wordbot.learning.dial import dial_available

__all__ = ["CACHED_CARDS", "SnapshotCache"]

CACHED_CARDS = 64  # cards kept between events: a session's worth, a game deck's working set


class SnapshotCache:
    """Owned by one actor thread. The database is the truth: `forget` after any failure."""

    def __init__(self, key: SessionKey) -> None:
        self.key = key
        self._learner: Learner | None = None
        self._training: TrainingSession | None = None
        self._training_loaded = False
        self._game: GameSession | None = None
        self._game_loaded = False
        self._cards: dict[int, Card] = {}

    # --- the snapshot -----------------------------------------------------------------------

    def snapshot(
        self, now: datetime, card_ids: Iterable[int] = (), language: str | None = None
    ) -> Snapshot:
        """The state a decision reads, with the session's and game's cards and `card_ids`;
        `language` is the one a learner met for the first time starts with."""
        session, game_row = self.training(now), self.game()
        wanted = list(card_ids)
        if session is not None:
            wanted += session.pair_ids[session.current_index :]
        if game_row is not None:
            wanted += [card.pair_id for card in game_row.deck]
        return Snapshot(self.learner(now, language), session, game_row, self.cards(wanted))

    def learner(self, now: datetime, language: str | None = None) -> Learner:
        """The cached learner, loaded (and created on first contact, in `language`) on first
        use."""
        if self._learner is None:
            self._learner = users.ensure_learner(self.key.user_id, self.key.chat_id, now, language)
        return self._learner

    def training(self, now: datetime) -> TrainingSession | None:
        """The active training session; expired counts as absent (SPEC §6.2)."""
        if not self._training_loaded:
            self._training = training.load_training_session(self.key.chat_id, self.key.user_id, now)
            self._training_loaded = True
        if self._training is not None and self._training.is_expired(now):
            return None
        return self._training

    def game(self) -> GameSession | None:
        """The game row, expired or not: an expired game still owes its summary."""
        if not self._game_loaded:
            self._game = game.load_game(self.key.chat_id, self.key.user_id)
            self._game_loaded = True
        return self._game

    def cards(self, pair_ids: Iterable[int]) -> dict[int, Card]:
        """The user's cards among `pair_ids` (deleted ones missing). Cached: this actor is the
        only writer of its user's cards."""
        pair_ids = list(dict.fromkeys(pair_ids))
        missing = [pair_id for pair_id in pair_ids if pair_id not in self._cards]
        if missing:
            if len(self._cards) + len(missing) > CACHED_CARDS:
                self._cards.clear()
            self._cards.update(cards.load_cards(self.key.user_id, missing))
        return {pair_id: self._cards[pair_id] for pair_id in pair_ids if pair_id in self._cards}

    # --- facts ------------------------------------------------------------------------------

    def session_candidates(self, now: datetime, size: int) -> list[Card]:
        """The cards a new session takes (SPEC §4.2), in session order."""
        limit = self.new_card_limit(now)
        pair_ids = vocabulary.select_cards_for_session(self.key.user_id, now, size, limit)
        found = self.cards(pair_ids)
        return [found[pair_id] for pair_id in pair_ids if pair_id in found]

    def new_card_limit(self, now: datetime) -> vocabulary.NewCardLimit:
        """The learner's new cards per day, counted in their day (SPEC §12)."""
        learner = self.learner(now)
        day_start, _ = user_day(now, learner_zone(learner))
        return vocabulary.NewCardLimit(learner.new_cards_per_day, day_start)

    def pair_ids(self) -> list[int]:
        return vocabulary.list_pair_ids(self.key.user_id)

    def deck_cards(self, deck: Sequence[GameCard]) -> dict[int, Card]:
        return self.cards(card.pair_id for card in deck)

    def pair_count(self) -> int:
        return vocabulary.count_pairs(self.key.user_id)

    def stored_word2(self, word1s: Sequence[str]) -> dict[str, str]:
        return vocabulary.stored_word2(self.key.user_id, word1s)

    def export_pairs(self) -> list[tuple[str, str]]:
        return vocabulary.list_pairs_for_export(self.key.user_id)

    def words_facts(self, wanted: WantedWords) -> WordsFacts:
        """What a /words screen shows: the card of `wanted.pair_id` and, for the list (or when
        that card is gone), the page; and who owns a typed edit's word1."""
        user_id = self.key.user_id
        card = None if wanted.pair_id is None else words.card_details(user_id, wanted.pair_id)
        page = None
        if wanted.list or card is None:
            page = words.words_page(user_id, wanted.query, wanted.page, wanted.without)
        owner = None if wanted.word1 is None else words.word1_owner(user_id, wanted.word1)
        return WordsFacts(card=card, page=page, word1_owner=owner)

    def reminder_facts(self, now: datetime, size: int) -> ReminderFacts:
        outlook = vocabulary.review_outlook(self.key.user_id, now, self.new_card_limit(now))
        candidates = self.session_candidates(now, size) if outlook.reviewable else []
        return ReminderFacts(
            pairs=outlook.pairs,
            due=outlook.due,
            new=outlook.new,
            last_graded_at=vocabulary.last_graded_at(self.key.user_id),
            candidates=candidates,
        )

    def stats_facts(self, now: datetime) -> StatsFacts:
        """What /stats counts (SPEC §14): cards, about 400 days of review log, 30 days of games."""
        user_id = self.key.user_id
        return StatsFacts(
            cards=stats_storage.load_card_stats(user_id, now),
            reviews=stats_storage.load_review_events(user_id, now),
            games=stats_storage.load_game_results(user_id, now),
        )

    def review_times(self, now: datetime) -> list[datetime]:
        """When the user graded (the review log), for the streak after a finished session."""
        events = stats_storage.load_review_events(self.key.user_id, now)
        return [event.reviewed_at for event in events]

    def dial_facts(self) -> DialFacts:
        """The retention dial the background worker cached (SPEC §12) and the word count it
        depends on; never works a dial out (that is the worker's job)."""
        if not dial_available():
            return DialFacts(None, 0, available=False)
        user_id = self.key.user_id
        return DialFacts(retention_dials.load_dial(user_id), vocabulary.count_pairs(user_id))

    def admin_counts(self, now: datetime) -> AdminCounts:
        """/admin's numbers (the caller checked that this user is an admin)."""
        return admin.admin_counts(now, __version__)

    # --- kept up to date by the unit of work and delivery ----------------------------------------

    def set_training(self, session: TrainingSession | None) -> None:
        self._training, self._training_loaded = session, True

    def set_game(self, session: GameSession | None) -> None:
        self._game, self._game_loaded = session, True

    def forget_game(self) -> None:
        self._game, self._game_loaded = None, False

    def update_learner(self, changes) -> None:
        if self._learner is not None:
            self._learner = dataclasses.replace(self._learner, **changes)

    def forget_learner(self) -> None:
        """The learner's row changed elsewhere (fitted parameters): read it on next use."""
        self._learner = None

    def card_graded(self, pair_id: int, schedule: CardSchedule) -> None:
        card = self._cards.get(pair_id)
        if card is not None:
            self._cards[pair_id] = dataclasses.replace(card, schedule=schedule)

    def forget_card(self, pair_id: int) -> None:
        """One pair changed outside grading (deleted, edited, reset, suspended): read it afresh."""
        self._cards.pop(pair_id, None)

    def forget_cards(self) -> None:
        """The vocabulary changed (added, updated, cleared, snoozed): read cards afresh."""
        self._cards.clear()

    def forget(self) -> None:
        """Drop everything (after a failed transaction the database is the truth)."""
        self._learner = None
        self._training, self._training_loaded = None, False
        self._game, self._game_loaded = None, False
        self._cards.clear()
