"""Users who blocked the bot (SPEC §7.6): `inactive` is set by a 403 "bot was blocked by the
user" and cleared by their next message or press. The scheduler's due query skips inactive
users, so they get no reminders; nothing is retried for them meanwhile.

`last_seen_at` (SPEC §16, /admin's "active today / 7 days"): when the user last wrote or
pressed, kept to the hour (written at most once an hour, and on a new UTC day). NULL: not
seen since this migration."""

from peewee import BooleanField

from storage.fields import UtcDateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("users", "inactive", BooleanField(default=False)),
        migrator.add_column("users", "last_seen_at", UtcDateTimeField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("users", "last_seen_at"),
        migrator.drop_column("users", "inactive"),
    )
