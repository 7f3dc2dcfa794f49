"""Transactional outbox (SPEC §6.2): messages a committed change owes a user; a row goes once Telegram accepted it."""

from peewee import BigAutoField, BigIntegerField, JSONField, Model

from storage.fields import UtcDateTimeField


def up(migrator, db):
    class Outbox(Model):
        id = BigAutoField()
        chat_id = BigIntegerField()
        user_id = BigIntegerField()
        effect = JSONField()
        created_at = UtcDateTimeField()

        class Meta:
            database = db
            table_name = "outbox"
            indexes = ((("chat_id", "user_id"), False),)

    db.create_tables([Outbox])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("outbox"))
