"""Migrations create every table, once, on both backends."""

from datetime import UTC, datetime

import pytest

from storage.database import close_database, database, is_sqlite, open_database
from storage.migrate import migrate, pending_migrations
from storage.models import ALL_MODELS, BotState, Outbox
from tests.support.databases import BACKENDS, POSTGRES_URL, migrated_database, postgres_schema

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


def _schema(db) -> dict[str, list[tuple]]:
    """Tables, columns, indexes, constraints, applied migrations and the rows in every other
    table, without the schema's name."""
    rows = {
        table: db.execute_sql(f'select count(*) from "{table}"').fetchone()[0]
        for table in db.get_tables()
        if table != "schema_version"
    }
    if is_sqlite():
        catalog = {
            "objects": db.execute_sql(
                "select type, name, tbl_name, sql from sqlite_master order by type, name"
            ).fetchall()
        }
    else:
        here = db.execute_sql("select current_schema()").fetchone()[0]
        catalog = {
            "columns": db.execute_sql(
                "select table_name, column_name, data_type, is_nullable, column_default"
                " from information_schema.columns where table_schema = current_schema()"
                " order by table_name, column_name"
            ).fetchall(),
            "indexes": [
                (table, name, definition.replace(f"{here}.", ""))
                for table, name, definition in db.execute_sql(
                    "select tablename, indexname, indexdef from pg_indexes"
                    " where schemaname = current_schema() order by indexname"
                ).fetchall()
            ],
            "constraints": db.execute_sql(
                "select conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
                " from pg_constraint where connamespace = current_schema()::regnamespace"
                " order by conname"
            ).fetchall(),
        }
    catalog["applied"] = db.execute_sql("select name from schema_version order by id").fetchall()
    catalog["rows"] = rows
    return catalog


def test_the_fixtures_database_is_what_migrating_a_fresh_one_makes(db, tmp_path):
    """`db` hands out one migrated database again and again (tests/support/databases.py):
    what a test gets matches `migrate()` run on an empty database, object for object, and
    holds no rows."""
    copied = _schema(db)
    close_database()
    if is_sqlite():
        fresh = open_database(f"sqlite:///{tmp_path / 'fresh.db'}")
        assert migrate(), "nothing was migrated"
        assert _schema(fresh) == copied
        return
    schema_gen = postgres_schema()
    try:
        fresh = open_database(POSTGRES_URL, options=f"-c search_path={next(schema_gen)}")
        assert migrate(), "nothing was migrated"
        assert _schema(fresh) == copied
    finally:
        close_database()
        database.initialize(None)
        schema_gen.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_what_one_test_wrote_is_gone_for_the_next_and_ids_start_at_1(
    backend, tmp_path, migrated_templates
):
    created_at = datetime(2026, 1, 1, tzinfo=UTC)
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
    first = migrated_database(backend, tmp_path / "first", migrated_templates)
    next(first)
    for n in range(3):
        Outbox.create(chat_id=n, user_id=n, effect={}, created_at=created_at)
    BotState.create(name="probe", value=1)
    first.close()

    second = migrated_database(backend, tmp_path / "second", migrated_templates)
    next(second)
    try:
        assert Outbox.select().count() == 0 and BotState.select().count() == 0
        assert Outbox.create(chat_id=9, user_id=9, effect={}, created_at=created_at).id == 1
    finally:
        second.close()
