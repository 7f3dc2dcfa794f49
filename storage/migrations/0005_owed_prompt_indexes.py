"""Start-up recovery finds sessions whose prompt was never sent (SPEC §6.2) through partial
indexes holding only those rows, so restarting with 100,000 live sessions reads a handful of
index entries instead of every session's."""

_TABLES = ("training_sessions", "game_sessions")


def up(migrator, db):
    for table in _TABLES:
        db.execute_sql(
            f"CREATE INDEX IF NOT EXISTS {table}_owing_a_prompt "
            f"ON {table} (expires_at) WHERE current_message_id IS NULL"
        )


def down(migrator, db):
    for table in _TABLES:
        db.execute_sql(f"DROP INDEX IF EXISTS {table}_owing_a_prompt")
