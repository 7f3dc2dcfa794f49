"""Word pair queries: validated bulk upsert, export listing, counting and deletion.

Selection and due counts follow SPEC §4.2 and §12: suspended cards are never selected, due
or counted; new cards are limited per day when the caller passes a `NewCardLimit` (the
user's daily limit and the UTC start of their day; the review_log rows with `state_before
= 'new'` since then are the cards already introduced).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from peewee import EXCLUDED, Case, chunked, fn

from storage.cards import CARD_COLUMNS, card_from_values
from storage.database import database, transaction
from storage.models import GameSession, GameSessionStatistics, ReviewLog, TrainingSession, WordPair
from storage.prepared import among
from wordbot.domain.new_cards import new_cards_allowed, take_session_cards
from wordbot.domain.pairs import MAX_PAIRS_PER_USER, PairInput
from wordbot.domain.training import CardOutlook
from wordbot.domain.word_list import search_key

__all__ = [
    "ClearResult",
    "NewCardLimit",
    "ReviewOutlook",
    "TooManyPairs",
    "UpsertResult",
    "clear_vocabulary",
    "count_due",
    "count_introduced_since",
    "count_pairs",
    "last_graded_at",
    "list_pair_ids",
    "list_pairs_for_export",
    "reminder_outlooks",
    "review_outlook",
    "select_cards_for_session",
    "stored_word2",
    "snooze_due",
    "upsert_pairs",
]

_BATCH = 400  # rows per statement: well under SQLite's bound-variable limit
_NEW_RANK_LIMIT = 2**31 - 1


class TooManyPairs(Exception):
    """The import would take the user over MAX_PAIRS_PER_USER; nothing was written."""

    def __init__(self, existing: int, new: int) -> None:
        super().__init__(f"{existing} existing + {new} new pairs exceed {MAX_PAIRS_PER_USER}")
        self.existing = existing
        self.new = new


@dataclass(frozen=True, slots=True)
class UpsertResult:
    new: int
    updated: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class ClearResult:
    pairs_deleted: int
    prompt_message_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ReviewOutlook:
    """What a reminder needs to know of a user's cards: how many, how many learning/review
    cards are due, how many are new."""

    pairs: int
    due: int
    new: int

    @property
    def reviewable(self) -> bool:
        """A session would have a card (SPEC §4.2: due cards, then new ones)."""
        return self.due > 0 or self.new > 0


@dataclass(frozen=True, slots=True)
class NewCardLimit:
    """The user's new cards per day and the start (UTC) of their current day."""

    per_day: int
    day_start: datetime


def count_pairs(user_id: int) -> int:
    return WordPair.select(fn.COUNT(WordPair.id)).where(WordPair.user == user_id).scalar()


def upsert_pairs(
    user_id: int, pairs: Sequence[PairInput], now: datetime, rng: random.Random
) -> UpsertResult:
    """Insert new pairs and update `word2` of existing ones in one transaction.

    Existing pairs keep their SRS history; new ones start as `new` with a random `new_rank`.
    """
    with transaction():
        existing: dict[str, str] = {}
        for batch in chunked([p.word1 for p in pairs], _BATCH):
            query = WordPair.select(WordPair.word1, WordPair.word2).where(
                (WordPair.user == user_id) & (WordPair.word1.in_(batch))
            )
            existing.update(query.tuples())
        new_pairs = [p for p in pairs if p.word1 not in existing]
        changed = [p for p in pairs if p.word1 in existing and existing[p.word1] != p.word2]
        if new_pairs:
            total = count_pairs(user_id)
            if total + len(new_pairs) > MAX_PAIRS_PER_USER:
                raise TooManyPairs(total, len(new_pairs))
        rows = [
            {
                WordPair.user: user_id,
                WordPair.word1: p.word1,
                WordPair.word2: p.word2,
                WordPair.word1_key: search_key(p.word1),
                WordPair.word2_key: search_key(p.word2),
                WordPair.new_rank: rng.randrange(_NEW_RANK_LIMIT),
                WordPair.created_at: now,
                WordPair.updated_at: now,
            }
            for p in new_pairs + changed
        ]
        for batch in chunked(rows, _BATCH):
            WordPair.insert_many(batch).on_conflict(
                conflict_target=[WordPair.user, WordPair.word1],
                update={
                    WordPair.word2: EXCLUDED.word2,
                    WordPair.word2_key: EXCLUDED.word2_key,
                    WordPair.updated_at: EXCLUDED.updated_at,
                },
            ).execute()
    return UpsertResult(
        new=len(new_pairs),
        updated=len(changed),
        unchanged=len(pairs) - len(new_pairs) - len(changed),
    )


def stored_word2(user_id: int, word1s: Sequence[str]) -> dict[str, str]:
    """word1 → word2 of the user's pairs among `word1s` (what an import would update)."""
    stored: dict[str, str] = {}
    for batch in chunked(list(word1s), _BATCH):
        query = WordPair.select(WordPair.word1, WordPair.word2).where(
            (WordPair.user == user_id) & (WordPair.word1.in_(batch))
        )
        stored.update(query.tuples())
    return stored


def list_pairs_for_export(user_id: int) -> list[tuple[str, str]]:
    """All pairs ordered by word1 (code points, the same on every backend) then id."""
    rows = (
        WordPair.select(WordPair.id, WordPair.word1, WordPair.word2)
        .where(WordPair.user == user_id)
        .tuples()
    )
    return [(word1, word2) for _, word1, word2 in sorted(rows, key=lambda r: (r[1], r[0]))]


def clear_vocabulary(chat_id: int, user_id: int, now: datetime) -> ClearResult:
    """Delete the user's pairs and end their sessions; returns the prompts to strip of buttons."""
    with transaction():
        prompts = [
            message_id
            for model in (TrainingSession, GameSession)
            for (message_id,) in model.select(model.current_message_id)
            .where((model.chat_id == chat_id) & (model.user_id == user_id))
            .tuples()
            if message_id is not None
        ]
        TrainingSession.delete().where(
            (TrainingSession.chat_id == chat_id) & (TrainingSession.user_id == user_id)
        ).execute()
        for game in GameSession.select().where(
            (GameSession.chat_id == chat_id) & (GameSession.user_id == user_id)
        ):
            started = GameSessionStatistics.get_by_id(game.statistics_id).started_at
            GameSessionStatistics.update(
                ended_at=now,
                duration_seconds=max(0, int((now - started).total_seconds())),
                reason="replaced",  # by no game at all: the words are gone
                correct=game.score_correct,
                attempted=game.score_attempted,
            ).where(GameSessionStatistics.id == game.statistics_id).execute()
            game.delete_instance()
        deleted = WordPair.delete().where(WordPair.user == user_id).execute()
    return ClearResult(pairs_deleted=deleted, prompt_message_ids=tuple(prompts))


def select_cards_for_session(
    user_id: int, now: datetime, size: int, new_limit: NewCardLimit | None = None
) -> list[int]:
    """SPEC §4.2: due learning/review cards oldest-due first, then new cards by new_rank, id,
    up to what `new_limit` still allows today (no limit when None); never a suspended card.

    The due part is a range scan of the `(user_id, due_at)` index; new cards have no due_at.
    """
    due = [
        pair_id
        for (pair_id,) in WordPair.select(WordPair.id)
        .where(_due(user_id, now))
        .order_by(WordPair.due_at, WordPair.id)
        .limit(size)
        .tuples()
    ]
    wanted = size - len(due)
    room = None
    if wanted > 0 and new_limit is not None:
        introduced = count_introduced_since(user_id, new_limit.day_start)
        room = new_cards_allowed(introduced, new_limit.per_day, wanted)
    fresh: list[int] = []
    if wanted > 0 and room != 0:
        fresh = [
            pair_id
            for (pair_id,) in WordPair.select(WordPair.id)
            .where(_new(user_id))
            .order_by(WordPair.new_rank, WordPair.id)
            .limit(wanted if room is None else room)
            .tuples()
        ]
    return take_session_cards(due, fresh, size, room)


def count_introduced_since(user_id: int, since: datetime) -> int:
    """New cards first graded since `since` (SPEC §12's daily limit counts these)."""
    return (
        ReviewLog.select(fn.COUNT(ReviewLog.id))
        .where(
            (ReviewLog.user == user_id)
            & (ReviewLog.reviewed_at >= since)
            & (ReviewLog.state_before == "new")
        )
        .scalar()
    )


def list_pair_ids(user_id: int) -> list[int]:
    """Every pair id of the user (a game deck is drawn from these)."""
    query = WordPair.select(WordPair.id).where(WordPair.user == user_id).order_by(WordPair.id)
    return [pair_id for (pair_id,) in query.tuples()]


def _due(user_id: int, now: datetime):
    return (WordPair.user == user_id) & _due_anyone(now)


def _new(user_id: int):
    return (WordPair.user == user_id) & _new_anyone()


def count_due(user_id: int, now: datetime) -> int:
    return WordPair.select(fn.COUNT(WordPair.id)).where(_due(user_id, now)).scalar()


def review_outlook(
    user_id: int, now: datetime, new_limit: NewCardLimit | None = None
) -> ReviewOutlook:
    """Pairs, due and new cards of the user in one query (a reminder asked three before);
    `new` counts only the new cards `new_limit` still allows today."""
    pairs, due, new = (
        WordPair.select(
            fn.COUNT(WordPair.id),
            fn.SUM(Case(None, [(_due(user_id, now), 1)], 0)),
            fn.SUM(Case(None, [(_new(user_id), 1)], 0)),
        )
        .where(WordPair.user == user_id)
        .tuples()
        .get()
    )
    new = new or 0
    if new and new_limit is not None:
        introduced = count_introduced_since(user_id, new_limit.day_start)
        new = new_cards_allowed(introduced, new_limit.per_day, new)
    return ReviewOutlook(pairs=pairs, due=due or 0, new=new)


def snooze_due(user_id: int, now: datetime, until: datetime) -> int:
    """SPEC §4.5: every due card's `due_at` moves to `until`; nothing else changes. A card
    FSRS schedules (its FSRS due time is its due time) moves its FSRS due time too, so it
    stays FSRS's card; a stale FSRS memory (SM-2 graded it since) is left as it is."""
    until_value = WordPair.fsrs_due_at.db_value(until)
    return (
        WordPair.update(
            due_at=until,
            fsrs_due_at=Case(
                None,
                [(WordPair.fsrs_due_at == WordPair.due_at, until_value)],
                WordPair.fsrs_due_at,
            ),
        )
        .where(_due(user_id, now))
        .execute()
    )


def last_graded_at(user_id: int) -> datetime | None:
    """When the user last graded any card."""
    latest = (
        WordPair.select(WordPair.last_reviewed_at)
        .where((WordPair.user == user_id) & WordPair.last_reviewed_at.is_null(False))
        .order_by(WordPair.last_reviewed_at.desc())
        .first()
    )
    return None if latest is None else latest.last_reviewed_at


def reminder_outlooks(
    user_ids: Sequence[int], now: datetime, size: int, day_starts: Mapping[int, datetime]
) -> dict[int, CardOutlook]:
    """A page of learners' cards as their reminders see them, in three queries for the whole
    page: the counts per learner; every learner's first `size` due cards (oldest due first)
    and first `size` new ones (by new_rank, id), ranked by one window query; and the new
    cards introduced since each learner's day began (`day_starts`, UTC). Learners without
    pairs are missing."""
    if not user_ids:
        return {}
    in_page = among(WordPair.user, user_ids)
    due, new = _due_anyone(now), _new_anyone()
    counts = (
        WordPair.select(
            WordPair.user,
            fn.COUNT(WordPair.id),
            fn.SUM(Case(None, [(due, 1)], 0)),
            fn.SUM(Case(None, [(new, 1)], 0)),
            fn.MAX(WordPair.last_reviewed_at),
        )
        .where(in_page)
        .group_by(WordPair.user)
        .tuples()
    )
    cards_of = _ranked_session_cards(in_page, due, new, size)
    introduced = _introduced_since(user_ids, day_starts)
    outlooks = {}
    for user_id, pairs, due_count, new_count, last_graded in counts:
        due_cards, new_cards = cards_of.get(user_id, ([], []))
        outlooks[user_id] = CardOutlook(
            pairs=pairs,
            due=due_count or 0,
            new=new_count or 0,
            last_graded_at=_as_datetime(last_graded),
            due_cards=tuple(due_cards),
            new_cards=tuple(new_cards),
            introduced_today=introduced.get(user_id, 0),
        )
    return outlooks


def _ranked_session_cards(in_page, due, new, size: int) -> dict[int, tuple[list, list]]:
    """Per learner: the first `size` due cards and the first `size` new ones (SPEC §4.2's
    orders), one query: two ranked selections of pair ids, joined back to their rows."""
    due_ranked = WordPair.select(
        WordPair.id.alias("pair_id"),
        fn.ROW_NUMBER()
        .over(partition_by=[WordPair.user], order_by=[WordPair.due_at, WordPair.id])
        .alias("place"),
    ).where(in_page & due)
    new_ranked = WordPair.select(
        WordPair.id.alias("pair_id"),
        fn.ROW_NUMBER()
        .over(partition_by=[WordPair.user], order_by=[WordPair.new_rank, WordPair.id])
        .alias("place"),
    ).where(in_page & new)
    ranked = due_ranked.union_all(new_ranked).alias("ranked")
    query = (
        WordPair.select(*CARD_COLUMNS, ranked.c.place)
        .join(ranked, on=(WordPair.id == ranked.c.pair_id))
        .where(ranked.c.place <= size)
        .order_by(WordPair.user, ranked.c.place)
    )
    found: dict[int, tuple[list, list]] = {}
    for row in database.execute(query).fetchall():  # raw: converted once, by card_from_values
        card = card_from_values(row)
        due_cards, new_cards = found.setdefault(row[1], ([], []))
        (new_cards if card.schedule.state.value == "new" else due_cards).append(card)
    return found


def _introduced_since(
    user_ids: Sequence[int], day_starts: Mapping[int, datetime]
) -> dict[int, int]:
    """New cards first graded since each learner's day began (SPEC §12's daily limit)."""
    if not day_starts:
        return {}
    earliest = min(day_starts.values())
    rows = (
        ReviewLog.select(ReviewLog.user, ReviewLog.reviewed_at)
        .where(
            among(ReviewLog.user, user_ids)
            & (ReviewLog.reviewed_at >= earliest)
            & (ReviewLog.state_before == "new")
        )
        .tuples()
    )
    introduced: dict[int, int] = {}
    for user_id, reviewed_at in rows:
        start = day_starts.get(user_id)
        if start is not None and reviewed_at >= start:
            introduced[user_id] = introduced.get(user_id, 0) + 1
    return introduced


def _as_datetime(value) -> datetime | None:
    """MAX() of a datetime column: SQLite gives back the stored text."""
    if value is None or isinstance(value, datetime):
        return value
    return WordPair.last_reviewed_at.python_value(value)


def _due_anyone(now: datetime):
    return (
        (WordPair.due_at <= now)
        & (WordPair.state.in_(["learning", "review"]))
        & (WordPair.suspended == False)  # noqa: E712 - SQL, not Python
    )


def _new_anyone():
    return (WordPair.state == "new") & (WordPair.suspended == False)  # noqa: E712 - SQL, not Python
