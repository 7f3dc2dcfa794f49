"""/words (SPEC §13): a stored search key per side of each pair, folded in Python
(`wordbot.domain.word_list.search_key`: case-folded, accent-free, single-spaced), because case
and accent folding in SQL differs between SQLite and PostgreSQL. Existing rows are backfilled;
the `(user_id, word1_key, id)` index serves the sorted, paged list. On PostgreSQL the keys use
the "C" collation, so they sort by code point as on SQLite and the index serves ORDER BY."""

from peewee import PostgresqlDatabase

from wordbot.domain.word_list import search_key

_TABLE = "word_pairs"
_INDEX = "word_pairs_user_id_word1_key_id"
_BATCH = 2000


def up(migrator, db):
    collate = ' COLLATE "C"' if isinstance(db, PostgresqlDatabase) else ""
    for column in ("word1_key", "word2_key"):
        db.execute_sql(
            f"ALTER TABLE {_TABLE} ADD COLUMN {column} TEXT{collate} NOT NULL DEFAULT ''"
        )
    _backfill(db)
    db.execute_sql(f"CREATE INDEX {_INDEX} ON {_TABLE} (user_id, word1_key, id)")


def down(migrator, db):
    db.execute_sql(f"DROP INDEX IF EXISTS {_INDEX}")
    migrator.migrate(
        migrator.drop_column(_TABLE, "word2_key"),
        migrator.drop_column(_TABLE, "word1_key"),
    )


def _backfill(db):
    param = db.param
    last_id = 0
    while True:
        rows = db.execute_sql(
            f"SELECT id, word1, word2 FROM {_TABLE} WHERE id > {param} ORDER BY id LIMIT {_BATCH}",
            (last_id,),
        ).fetchall()
        if not rows:
            return
        updates = [(search_key(word1), search_key(word2), pair_id) for pair_id, word1, word2 in rows]
        cursor = db.cursor()
        cursor.executemany(
            f"UPDATE {_TABLE} SET word1_key = {param}, word2_key = {param} WHERE id = {param}",
            updates,
        )
        last_id = rows[-1][0]
