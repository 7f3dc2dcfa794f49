"""Reminder scheduling and the /settings message: when each user's next slot is due (indexed, so
a tick finds due users with one query), and which message is the live settings screen."""

from peewee import BigIntegerField, CharField

from storage.fields import UtcDateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("users", "next_reminder_at", UtcDateTimeField(null=True)),
        migrator.add_column("users", "settings_token", CharField(max_length=16, null=True)),
        migrator.add_column("users", "settings_message_id", BigIntegerField(null=True)),
        migrator.add_column("users", "settings_screen", CharField(max_length=16, null=True)),
        migrator.add_index("users", ("reminders_paused", "next_reminder_at"), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("users", "users_reminders_paused_next_reminder_at"),
        migrator.drop_column("users", "settings_screen"),
        migrator.drop_column("users", "settings_message_id"),
        migrator.drop_column("users", "settings_token"),
        migrator.drop_column("users", "next_reminder_at"),
    )
