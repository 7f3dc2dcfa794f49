"""The retention dial's cache (SPEC §12): per user, the last dial worked out in the background.

`retention_dials`: one row per user (deleted with the user). `fitted_at` is the fit time of the
parameters it was computed for (NULL: the FSRS-6 defaults), so new parameters make it missing
until it is worked out again; `fitted_on_reviews`, `deck_size`, `new_cards_per_day` and `days`
describe what was simulated; `points` is JSON, a list of {"retention", "reviews", "recalled"}
(reviews in all over `days`, expected words recalled at the end)."""

from peewee import BigIntegerField, ForeignKeyField, IntegerField, JSONField, Model

from storage.fields import UtcDateTimeField


def up(migrator, db):
    class User(Model):
        id = BigIntegerField(primary_key=True)

        class Meta:
            database = db
            table_name = "users"

    class RetentionDial(Model):
        user = ForeignKeyField(
            User, column_name="user_id", primary_key=True, on_delete="CASCADE"
        )
        fitted_at = UtcDateTimeField(null=True)
        fitted_on_reviews = IntegerField(null=True)
        deck_size = IntegerField()
        new_cards_per_day = IntegerField()
        days = IntegerField()
        points = JSONField()
        computed_at = UtcDateTimeField()

        class Meta:
            database = db
            table_name = "retention_dials"

    db.create_tables([RetentionDial])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("retention_dials"))
