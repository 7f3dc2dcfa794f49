"""Learner storage on SQLite and PostgreSQL: the due-for-reminder pass, page by page."""

from datetime import UTC, datetime, timedelta

from storage import users

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


def test_a_user_who_blocked_the_bot_is_never_due_for_a_reminder(db):
    for user in (1, 2):
        users.ensure_learner(user, user, NOW)
        users.update_learner(user, NOW, next_reminder_at=NOW - timedelta(hours=1))
    users.update_learner(2, NOW, inactive=True)
    assert [due.user_id for due in users.due_for_reminder(NOW, limit=10)] == [1]
    assert users.load_learner(2).inactive and not users.load_learner(1).inactive
