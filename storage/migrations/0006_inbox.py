"""The durable inbox (SPEC §7.1): every update is written before it is confirmed to Telegram,
and a redelivered update_id is known by its row. It replaces the per-user last_update_id and
the bot's stored watermark, which go away. A /clear confirmation gets its expiry (§7.6)."""

from peewee import BigAutoField, BigIntegerField, JSONField, Model

from storage.fields import UtcDateTimeField


def up(migrator, db):
    class Inbox(Model):
        id = BigAutoField()
        update_id = BigIntegerField(unique=True)
        chat_id = BigIntegerField()
        user_id = BigIntegerField()
        payload = JSONField()
        received_at = UtcDateTimeField()
        handled_at = UtcDateTimeField(null=True)

        class Meta:
            database = db
            table_name = "inbox"
            indexes = ((("chat_id", "user_id", "handled_at"), False),)

    db.create_tables([Inbox])
    migrator.migrate(
        migrator.drop_column("users", "last_update_at"),
        migrator.drop_column("users", "last_update_id"),
        migrator.add_column("users", "confirm_until", UtcDateTimeField(null=True)),
    )
    db.execute_sql("DELETE FROM bot_state WHERE name IN ('last_update_id', 'last_update_at')")


def down(migrator, db):
    migrator.migrate(migrator.drop_table("inbox"))
