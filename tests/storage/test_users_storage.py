"""Learner storage on SQLite and PostgreSQL: the due-for-reminder pass, page by page; the §15
fields (zone, reminder times, language)."""

from datetime import UTC, datetime, time, timedelta

from storage import users
from storage.models import User
from wordbot.domain.reminder_times import ReminderTime

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_due_learners_come_page_by_page_oldest_first_each_once(db):
    for user in range(1, 12):
        users.ensure_learner(user, 1000 + user, NOW)
        users.update_learner(user, NOW, next_reminder_at=NOW - timedelta(minutes=user % 3))
    users.update_learner(5, NOW, reminders_paused=True)
    users.update_learner(6, NOW, next_reminder_at=NOW + timedelta(seconds=1))
    pages, place = [], None
    while page := users.due_for_reminder(NOW, limit=4, after=place):
        pages.append(page)
        place = page[-1].place
    seen = [(due.next_reminder_at, due.user_id) for page in pages for due in page]
    assert [len(page) for page in pages] == [4, 4, 1]
    assert seen == sorted(seen)
    assert sorted(user for _, user in seen) == [1, 2, 3, 4, 7, 8, 9, 10, 11]
    assert pages[0][0].chat_id == 1000 + pages[0][0].user_id


def test_zone_times_and_language_round_trip(db):
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    created = users.ensure_learner(7, 7, now, "ru")
    assert (created.language, created.timezone, created.reminder_times) == ("ru", "UTC", None)
    times = (ReminderTime(time(20, 5)), ReminderTime(time(7, 30), enabled=False))
    users.update_learner(7, now, timezone="Asia/Kolkata", reminder_times=times, language="en")
    assert User.get_by_id(7).reminder_times == [
        {"time": "07:30", "enabled": False},
        {"time": "20:05", "enabled": True},
    ]
    loaded = users.load_learner(7)
    assert loaded.timezone == "Asia/Kolkata" and loaded.language == "en"
    assert loaded.reminder_times == tuple(sorted(times, key=lambda item: item.at))
    assert users.ensure_learner(7, 7, now, "ru").language == "en"  # a chosen language stays


def test_a_learner_without_a_language_gets_one_and_a_broken_zone_reads_as_utc(db):
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    users.ensure_learner(8, 8, now)
    assert users.load_learner(8).language is None
    assert users.ensure_learner(8, 8, now, "ru").language == "ru"
    assert User.get_by_id(8).language == "ru"
    User.update(timezone="Mars/Olympus", reminder_times="not a list").execute()
    learner = users.load_learner(8)
    assert learner.timezone == "UTC" and learner.reminder_times is None


def test_a_user_who_blocked_the_bot_is_never_due_for_a_reminder(db):
    for user in (1, 2):
        users.ensure_learner(user, user, NOW)
        users.update_learner(user, NOW, next_reminder_at=NOW - timedelta(hours=1))
    users.update_learner(2, NOW, inactive=True)
    assert [due.user_id for due in users.due_for_reminder(NOW, limit=10)] == [1]
    assert users.load_learner(2).inactive and not users.load_learner(1).inactive
