"""The last update that changed a user's session state, recorded in the same transaction, so an
update Telegram delivers again after a crash is recognised even without a token (typed answers)."""

from peewee import BigIntegerField

from storage.fields import UtcDateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("users", "last_update_id", BigIntegerField(null=True)),
        migrator.add_column("users", "last_update_at", UtcDateTimeField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("users", "last_update_at"),
        migrator.drop_column("users", "last_update_id"),
    )
