"""FSRS-6 (SPEC §12): per-card FSRS memory and the leech flag, per-user scheduler settings and
fitted parameters, and the review_log table.

Users who exist when this runs keep `sm2` (the column is filled with it); the model's default
gives new users `fsrs` at insert time. review_log is indexed for a user's history in time
order (also what statistics read) and for a card's history.
"""

from peewee import (
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
)

from storage.fields import UtcDateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("word_pairs", "fsrs_state", CharField(max_length=12, null=True)),
        migrator.add_column("word_pairs", "fsrs_step", IntegerField(null=True)),
        migrator.add_column("word_pairs", "fsrs_stability", DoubleField(null=True)),
        migrator.add_column("word_pairs", "fsrs_difficulty", DoubleField(null=True)),
        migrator.add_column("word_pairs", "fsrs_due_at", UtcDateTimeField(null=True)),
        migrator.add_column("word_pairs", "suspended", BooleanField(default=False)),
        migrator.add_column("users", "scheduler", CharField(max_length=8, default="sm2")),
        migrator.add_column("users", "desired_retention", DoubleField(default=0.9)),
        migrator.add_column("users", "new_cards_per_day", IntegerField(default=20)),
        migrator.add_column("users", "fsrs_parameters", TextField(null=True)),
        migrator.add_column("users", "fitted_at", UtcDateTimeField(null=True)),
        migrator.add_column("users", "fitted_on_reviews", IntegerField(null=True)),
    )

    class User(Model):
        id = BigIntegerField(primary_key=True)

        class Meta:
            database = db
            table_name = "users"

    class WordPair(Model):
        id = BigAutoField()

        class Meta:
            database = db
            table_name = "word_pairs"

    class ReviewLog(Model):
        id = BigAutoField()
        user = ForeignKeyField(User, column_name="user_id", on_delete="CASCADE")
        pair = ForeignKeyField(WordPair, column_name="pair_id", on_delete="CASCADE")
        rating = SmallIntegerField()
        reviewed_at = UtcDateTimeField()
        state_before = CharField(max_length=12)
        elapsed_days = DoubleField()
        scheduled_days = DoubleField()
        scheduler = CharField(max_length=8)
        prompt_open_ms = IntegerField(null=True)

        class Meta:
            database = db
            table_name = "review_log"
            indexes = (
                (("user", "reviewed_at"), False),
                (("pair", "reviewed_at"), False),
            )

    db.create_tables([ReviewLog])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("review_log"))
    for table, columns in (
        ("users", ("fitted_on_reviews", "fitted_at", "fsrs_parameters", "new_cards_per_day",
                   "desired_retention", "scheduler")),
        ("word_pairs", ("suspended", "fsrs_due_at", "fsrs_difficulty", "fsrs_stability",
                        "fsrs_step", "fsrs_state")),
    ):
        migrator.migrate(*(migrator.drop_column(table, column) for column in columns))
