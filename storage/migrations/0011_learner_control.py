"""The learner in control (SPEC §13): per-user state of undo and of the /words message.

* `undo`: JSON, the user's latest grade as `wordbot.domain.undo.UndoRecord.to_json` gives it
  (the card's schedule before the grade, FSRS memory included, the graded prompt, the session
  as it was and the undo button's token), written in the grade's own transaction and cleared
  by the undo or by a later change. NULL: nothing to undo. On users, not on training_sessions,
  because the grade that finishes a session deletes its row and can still be undone.
* `words_token`, `words_message_id`, `words_view`: the live /words message's token, id and
  view (`wordbot.domain.words_menu.view_to_json`); NULL when there is none.
"""

from peewee import BigIntegerField, CharField, JSONField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("users", "undo", JSONField(null=True)),
        migrator.add_column("users", "words_token", CharField(max_length=16, null=True)),
        migrator.add_column("users", "words_message_id", BigIntegerField(null=True)),
        migrator.add_column("users", "words_view", JSONField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("users", "words_view"),
        migrator.drop_column("users", "words_message_id"),
        migrator.drop_column("users", "words_token"),
        migrator.drop_column("users", "undo"),
    )
