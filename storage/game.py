"""Game rows (SPEC §5, §6.1): the live game per (chat, user) and one statistics row per game."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime, timedelta

from peewee import chunked

from storage import models
from storage.session_rows import delete_session_row, keys_condition, upsert_session_row
from storage.session_rows import record_prompt_message as record_session_prompt
from wordbot.domain.game import GameCard, GameScore
from wordbot.domain.game_session import GameSession

__all__ = [
    "delete_game",
    "finish_statistics",
    "games_owing_a_prompt",
    "idle_games",
    "load_game",
    "load_games",
    "record_prompt_message",
    "save_game",
    "start_statistics",
]

_Row = models.GameSession
_Stats = models.GameSessionStatistics
_BATCH = 1000  # keys per statement (one parameter: `among`)


def start_statistics(chat_id: int, user_id: int, now: datetime) -> int:
    return _Stats.insert(
        user_id=user_id, chat_id=chat_id, date=now.date(), started_at=now
    ).execute()


def finish_statistics(statistics_id: int, reason: str, score: GameScore, now: datetime) -> None:
    started = _Stats.get_by_id(statistics_id).started_at
    _Stats.update(
        ended_at=now,
        duration_seconds=max(0, int((now - started).total_seconds())),
        reason=reason,
        correct=score.correct,
        attempted=score.attempted,
    ).where(_Stats.id == statistics_id).execute()


def save_game(game: GameSession, idle: timedelta, now: datetime) -> GameSession:
    """Insert or replace the (chat, user) game; `expires_at` = last activity + idle time."""
    saved = dataclasses.replace(game, expires_at=game.last_activity_at + idle)
    values = {
        _Row.chat_id: saved.chat_id,
        _Row.user_id: saved.user_id,
        _Row.deck: [card.to_json() for card in saved.deck],
        _Row.current_index: 0,
        _Row.current_token: saved.current_token,
        _Row.current_message_id: saved.current_message_id,
        _Row.current_prompt_text: saved.current_prompt_text,
        _Row.statistics_id: saved.statistics_id,
        _Row.score_correct: saved.score.correct,
        _Row.score_attempted: saved.score.attempted,
        _Row.last_activity_at: saved.last_activity_at,
        _Row.expires_at: saved.expires_at,
        _Row.created_at: saved.created_at,
        _Row.updated_at: now,
    }
    upsert_session_row(_Row, values)
    return saved


def record_prompt_message(
    game: GameSession, message_id: int, idle: timedelta, now: datetime
) -> GameSession:
    """The current prompt was sent: its message id (answers and buttons count from now)."""
    saved = dataclasses.replace(
        game, current_message_id=message_id, last_activity_at=now, expires_at=now + idle
    )
    record_session_prompt(
        _Row, game.chat_id, game.user_id, game.current_token, message_id, saved.expires_at, now
    )
    return saved


def load_game(chat_id: int, user_id: int) -> GameSession | None:
    """The game row, expired or not: an expired game still owes its timed-out summary."""
    row = _Row.get_or_none((_Row.chat_id == chat_id) & (_Row.user_id == user_id))
    if row is None:
        return None
    return _game(row)


def load_games(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], GameSession]:
    """The game rows of many (chat_id, user_id)s, expired or not, a few hundred per query."""
    wanted = set(keys)
    found = {}
    for batch in chunked(sorted(wanted), _BATCH):
        in_batch = keys_condition(_Row, batch)
        for row in _Row.select().where(in_batch):
            if (row.chat_id, row.user_id) in wanted:
                found[(row.chat_id, row.user_id)] = _game(row)
    return found


def _game(row: _Row) -> GameSession:
    return GameSession(
        chat_id=row.chat_id,
        user_id=row.user_id,
        deck=tuple(GameCard.from_json(card) for card in row.deck),
        current_token=row.current_token,
        current_message_id=row.current_message_id,
        current_prompt_text=row.current_prompt_text,
        statistics_id=row.statistics_id,
        score=GameScore(correct=row.score_correct, attempted=row.score_attempted),
        last_activity_at=row.last_activity_at,
        expires_at=row.expires_at,
        created_at=row.created_at,
    )


def delete_game(chat_id: int, user_id: int) -> bool:
    return delete_session_row(_Row, chat_id, user_id)


def idle_games(now: datetime) -> list[tuple[int, int]]:
    """(chat_id, user_id) of games idle past their expiry: they end by timeout."""
    return list(_Row.select(_Row.chat_id, _Row.user_id).where(_Row.expires_at <= now).tuples())


def games_owing_a_prompt(now: datetime) -> list[tuple[int, int]]:
    query = _Row.select(_Row.chat_id, _Row.user_id).where(
        _Row.current_message_id.is_null() & (_Row.expires_at > now)
    )
    return list(query.tuples())
