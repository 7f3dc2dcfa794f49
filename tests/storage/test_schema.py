"""Migrations create every table, once, on both backends."""

from storage.migrate import migrate, pending_migrations
from storage.models import ALL_MODELS

EXPECTED_TABLES = {
    "users",
    "word_pairs",
    "training_sessions",
    "game_sessions",
    "game_session_statistics",
    "bot_state",
    "outbox",
    "schema_version",
}


def test_all_tables_exist_after_migrating(db):
    assert set(db.get_tables()) >= EXPECTED_TABLES
    assert {model._meta.table_name for model in ALL_MODELS} <= set(db.get_tables())


def test_migrating_again_applies_nothing(db):
    assert migrate() == []
    assert pending_migrations() == []


def test_word_pairs_have_the_lookup_indexes(db):
    indexes = {tuple(index.columns): index.unique for index in db.get_indexes("word_pairs")}
    assert indexes[("user_id", "word1")] is True
    assert indexes[("user_id", "due_at")] is False


def test_session_tables_are_unique_per_chat_and_user(db):
    for table in ("training_sessions", "game_sessions"):
        indexes = {tuple(index.columns): index.unique for index in db.get_indexes(table)}
        assert indexes[("chat_id", "user_id")] is True


def test_frozen_migration_matches_the_models(db):
    """The models and the migrated schema agree, column by column."""
    for model in ALL_MODELS:
        columns = {column.name for column in db.get_columns(model._meta.table_name)}
        assert columns == {field.column_name for field in model._meta.sorted_fields}
