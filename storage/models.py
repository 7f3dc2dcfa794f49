"""peewee models: the tables of SPEC §3–§6. Queries live in the modules beside this one."""

from __future__ import annotations

from peewee import (
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DoubleField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    JSONField,
    Model,
    SmallIntegerField,
    TextField,
)

from storage.database import database
from storage.fields import UtcDateTimeField

__all__ = [
    "ALL_MODELS",
    "BotState",
    "GameSession",
    "GameSessionStatistics",
    "ImportStaging",
    "InboxEntry",
    "Outbox",
    "RetentionDial",
    "ReviewLog",
    "TrainingSession",
    "User",
    "WordPair",
]


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class User(BaseModel):
    """A learner: settings (§8), reminder state (§6.4, §6.5) and a pending two-step input."""

    id = BigIntegerField(primary_key=True)
    chat_id = BigIntegerField()
    cards_per_session = IntegerField(default=5)
    reminder_morning = BooleanField(default=True)
    reminder_afternoon = BooleanField(default=True)
    reminder_evening = BooleanField(default=True)
    timezone_offset_hours = IntegerField(default=0)
    reminders_paused = BooleanField(default=False)
    missed_reminders = IntegerField(default=0)
    last_reminder_sent_at = UtcDateTimeField(null=True)
    pending_input = CharField(max_length=16, null=True)
    pending_input_until = UtcDateTimeField(null=True)
    confirm_token = CharField(max_length=16, null=True)
    confirm_message_id = BigIntegerField(null=True)
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    next_reminder_at = UtcDateTimeField(null=True)
    settings_token = CharField(max_length=16, null=True)
    settings_message_id = BigIntegerField(null=True)
    settings_screen = CharField(max_length=16, null=True)
    confirm_until = UtcDateTimeField(null=True)
    scheduler = CharField(max_length=8, default="fsrs")  # users from before FSRS keep "sm2"
    desired_retention = DoubleField(default=0.9)
    new_cards_per_day = IntegerField(default=20)
    fsrs_parameters = TextField(null=True)  # JSON list of 21 weights; None: the defaults
    fitted_at = UtcDateTimeField(null=True)
    fitted_on_reviews = IntegerField(null=True)
    # SPEC §15 (migration 0009): an IANA zone, own reminder times (NULL: the configured slots
    # with the flags above) and the language ('en'/'ru'; NULL until first contact sets it).
    timezone = CharField(max_length=64, default="UTC")
    reminder_times = JSONField(null=True)
    language = CharField(max_length=8, null=True)
    inactive = BooleanField(default=False)  # blocked the bot (SPEC §7.6, migration 0012)
    last_seen_at = UtcDateTimeField(null=True)  # last message or press, to the hour (0012)
    # SPEC §13 (migration 0011): the latest grade's undo record and the live /words message.
    undo = JSONField(null=True)
    words_token = CharField(max_length=16, null=True)
    words_message_id = BigIntegerField(null=True)
    words_view = JSONField(null=True)

    class Meta:
        table_name = "users"
        indexes = ((("reminders_paused", "next_reminder_at"), False),)


class WordPair(BaseModel):
    """One word pair with its spaced-repetition state (§4.4)."""

    id = BigAutoField()
    user = ForeignKeyField(User, column_name="user_id", on_delete="CASCADE")
    word1 = TextField()
    word2 = TextField()
    state = CharField(max_length=8, default="new")
    due_at = UtcDateTimeField(null=True)
    last_reviewed_at = UtcDateTimeField(null=True)
    interval_days = IntegerField(default=0)
    ease = FloatField(default=2.5)
    step = IntegerField(default=0)
    reps = IntegerField(default=0)
    lapses = IntegerField(default=0)
    new_rank = IntegerField()
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    # search_key(word1) / search_key(word2) (wordbot.domain.word_list), written with the words
    word1_key = TextField(default="")
    word2_key = TextField(default="")
    fsrs_state = CharField(max_length=12, null=True)
    fsrs_step = IntegerField(null=True)
    fsrs_stability = DoubleField(null=True)
    fsrs_difficulty = DoubleField(null=True)
    fsrs_due_at = UtcDateTimeField(null=True)
    suspended = BooleanField(default=False)

    class Meta:
        table_name = "word_pairs"
        indexes = (
            (("user", "word1"), True),
            (("user", "due_at"), False),
            (("user", "word1_key", "id"), False),
        )


class TrainingSession(BaseModel):
    """The active training session of a (chat, user), §6.1."""

    id = BigAutoField()
    chat_id = BigIntegerField()
    user_id = BigIntegerField()
    pair_ids = JSONField()
    current_index = IntegerField(default=0)
    current_token = CharField(max_length=16)
    current_message_id = BigIntegerField(null=True)
    current_prompt_text = TextField(default="")
    kind = CharField(max_length=16)
    reviewed_count = IntegerField(default=0)
    last_activity_at = UtcDateTimeField()
    expires_at = UtcDateTimeField(index=True)
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    class Meta:
        table_name = "training_sessions"
        indexes = ((("chat_id", "user_id"), True),)


class GameSession(BaseModel):
    """The active /game of a (chat, user), §6.1."""

    id = BigAutoField()
    chat_id = BigIntegerField()
    user_id = BigIntegerField()
    deck = JSONField()
    current_index = IntegerField(default=0)
    current_token = CharField(max_length=16)
    current_message_id = BigIntegerField(null=True)
    current_prompt_text = TextField(default="")
    statistics_id = BigIntegerField(null=True)
    score_correct = IntegerField(default=0)
    score_attempted = IntegerField(default=0)
    last_activity_at = UtcDateTimeField()
    expires_at = UtcDateTimeField(index=True)
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    class Meta:
        table_name = "game_sessions"
        indexes = ((("chat_id", "user_id"), True),)


class GameSessionStatistics(BaseModel):
    """One row per game (§5): when, how it ended, how it went."""

    id = BigAutoField()
    user_id = BigIntegerField(index=True)
    chat_id = BigIntegerField()
    date = DateField()
    started_at = UtcDateTimeField()
    ended_at = UtcDateTimeField(null=True)
    duration_seconds = IntegerField(null=True)
    reason = CharField(max_length=16, null=True)
    correct = IntegerField(default=0)
    attempted = IntegerField(default=0)

    class Meta:
        table_name = "game_session_statistics"


class BotState(BaseModel):
    """The bot's own durable name → number state. Empty since the inbox (§7.1) replaced the
    stored watermark; kept for the table that migration 0001 made."""

    name = CharField(max_length=64, primary_key=True)
    value = BigIntegerField()

    class Meta:
        table_name = "bot_state"


class Outbox(BaseModel):
    """A message a committed change owes the user (SPEC §6.2); deleted once Telegram took it."""

    id = BigAutoField()
    chat_id = BigIntegerField()
    user_id = BigIntegerField()
    effect = JSONField()
    created_at = UtcDateTimeField()

    class Meta:
        table_name = "outbox"
        indexes = ((("chat_id", "user_id"), False),)


class InboxEntry(BaseModel):
    """An update written before it is confirmed to Telegram (SPEC §7.1). Pending while
    `handled_at` is NULL; a handled entry is kept for a while so a redelivery is known as one."""

    id = BigAutoField()
    update_id = BigIntegerField(unique=True)
    chat_id = BigIntegerField()
    user_id = BigIntegerField()
    payload = JSONField()
    received_at = UtcDateTimeField()
    handled_at = UtcDateTimeField(null=True)

    class Meta:
        table_name = "inbox"
        indexes = ((("chat_id", "user_id", "handled_at"), False),)


class ReviewLog(BaseModel):
    """One grade (§12): who, which card, the rating and what the scheduler did with it."""

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
        table_name = "review_log"
        indexes = (
            (("user", "reviewed_at"), False),
            (("pair", "reviewed_at"), False),
        )


class ImportStaging(BaseModel):
    """A big import's pairs staged in short transactions (SPEC §7.6) until the one statement
    that applies them all; rows left by a crash are deleted by cleanup."""

    id = BigAutoField()
    import_id = CharField(max_length=32)
    user_id = BigIntegerField()
    word1 = TextField()
    word2 = TextField()
    word1_key = TextField()
    word2_key = TextField()
    new_rank = IntegerField()
    created_at = UtcDateTimeField(index=True)

    class Meta:
        table_name = "import_staging"
        indexes = ((("import_id", "word1"), True),)


class RetentionDial(BaseModel):
    """A learner's retention dial (SPEC §12), worked out in the background; see migration 0014."""

    user = ForeignKeyField(User, column_name="user_id", primary_key=True, on_delete="CASCADE")
    fitted_at = UtcDateTimeField(null=True)  # the parameters' fit time; NULL: the defaults
    fitted_on_reviews = IntegerField(null=True)
    deck_size = IntegerField()
    new_cards_per_day = IntegerField()
    days = IntegerField()
    points = JSONField()  # [{"retention", "reviews", "recalled"}, ...]
    computed_at = UtcDateTimeField()

    class Meta:
        table_name = "retention_dials"


ALL_MODELS = (
    User,
    WordPair,
    TrainingSession,
    GameSession,
    GameSessionStatistics,
    BotState,
    Outbox,
    InboxEntry,
    ReviewLog,
    ImportStaging,
    RetentionDial,
)
