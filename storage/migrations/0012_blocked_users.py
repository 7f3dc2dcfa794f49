"""Users who blocked the bot (SPEC §7.6): `inactive` is set by a 403 "bot was blocked by the
user" and cleared by their next message or press. The scheduler's due query skips inactive
users, so they get no reminders; nothing is retried for them meanwhile."""

from peewee import BooleanField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("users", "inactive", BooleanField(default=False)),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("users", "inactive"))
