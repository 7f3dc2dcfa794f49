"""IANA time zones, own reminder times and a language per learner (SPEC §15).

* `timezone`: an IANA name, default 'UTC'. Each stored whole-hour offset becomes the fixed zone
  `Etc/GMT∓N`: POSIX reverses the sign, so UTC+3 is 'Etc/GMT-3' and UTC−5 'Etc/GMT+5'; 0 is 'UTC'.
* `reminder_times`: a JSON list of {"time": "HH:MM", "enabled": bool}, sorted by time. NULL means
  the configured slots with the learner's old morning/afternoon/evening flags (so an operator's
  change of reminders.* still reaches learners who never edited their times); the first edit
  writes the full list.
* `language`: 'en' or 'ru'; NULL until set from Telegram's language_code on first contact.

The old columns (timezone_offset_hours, reminder_morning/afternoon/evening) stay: the current
code still reads them. They can be dropped once nothing reads them, after writing each NULL
`reminder_times` as its explicit list.
"""

from peewee import CharField, JSONField

_MIN_OFFSET, _MAX_OFFSET = -12, 14


def _zone_name(hours):
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("users", "timezone", CharField(max_length=64, default="UTC")),
        migrator.add_column("users", "reminder_times", JSONField(null=True)),
        migrator.add_column("users", "language", CharField(max_length=8, null=True)),
    )
    sql = f"UPDATE users SET timezone = {db.param} WHERE timezone_offset_hours = {db.param}"
    for hours in range(_MIN_OFFSET, _MAX_OFFSET + 1):
        if hours:
            db.execute_sql(sql, (_zone_name(hours), hours))


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("users", "language"),
        migrator.drop_column("users", "reminder_times"),
        migrator.drop_column("users", "timezone"),
    )
