"""Game rows and statistics on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

from storage import game
from storage.models import GameSessionStatistics
from wordbot.domain.game import Direction, GameCard, GameScore
from wordbot.domain.game_session import GameSession

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
IDLE = timedelta(minutes=15)


def a_game(statistics_id, **changes):
    values = dict(
        chat_id=4,
        user_id=4,
        deck=(
            GameCard(9, Direction.BACKWARD),
            GameCard(3, Direction.FORWARD),
            GameCard(9, Direction.FORWARD),
        ),
        current_token="Tok-en_1",
        current_message_id=12,
        current_prompt_text="Translate: <b>casa</b> → ?",
        statistics_id=statistics_id,
        score=GameScore(correct=2, attempted=3),
        last_activity_at=NOW,
        expires_at=NOW,
        created_at=NOW - timedelta(minutes=2),
    )
    values.update(changes)
    return GameSession(**values)


def test_game_round_trip_keeps_the_deck_order_and_score(db):
    stats = game.start_statistics(4, 4, NOW)
    saved = game.save_game(a_game(stats), IDLE, NOW)
    assert saved.expires_at == NOW + IDLE
    assert game.load_game(4, 4) == saved


def test_an_expired_game_still_loads_and_is_listed_as_idle(db):
    stats = game.start_statistics(4, 4, NOW)
    game.save_game(a_game(stats), IDLE, NOW)
    assert game.idle_games(NOW + IDLE - timedelta(seconds=1)) == []
    assert game.idle_games(NOW + IDLE) == [(4, 4)]
    assert game.load_game(4, 4).is_expired(NOW + IDLE)


def test_ending_deletes_the_row_and_completes_statistics(db):
    stats = game.start_statistics(4, 4, NOW)
    session = game.save_game(a_game(stats), IDLE, NOW)
    later = NOW + timedelta(minutes=3, seconds=20)
    assert game.delete_game(session.chat_id, session.user_id)
    game.finish_statistics(stats, "finished", GameScore(5, 7), later)
    assert game.load_game(4, 4) is None
    row = GameSessionStatistics.get_by_id(stats)
    assert (row.reason, row.correct, row.attempted, row.duration_seconds) == ("finished", 5, 7, 200)
    assert row.ended_at == later and row.date == NOW.date()


def test_games_owing_a_prompt(db):
    stats = game.start_statistics(4, 4, NOW)
    game.save_game(a_game(stats, current_message_id=None), IDLE, NOW)
    assert game.games_owing_a_prompt(NOW) == [(4, 4)]
    assert game.games_owing_a_prompt(NOW + IDLE) == []
