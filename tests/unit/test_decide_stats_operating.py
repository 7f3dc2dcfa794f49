"""Pure decisions of /stats, the streak line, /feedback, /admin and last-seen (SPEC §14, §16)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.unit.test_decide import learner, moment
from wordbot.decide.operating import (
    FEEDBACK_INPUT,
    decide_feedback_command,
    decide_feedback_reply,
    decide_seen,
)
from wordbot.decide.reminders import decide_unblocked
from wordbot.decide.stats import StatsFacts, decide_stats, streak_line_for
from wordbot.decide.transition import Rules, Snapshot, UpdateLearner
from wordbot.domain.srs import CardState
from wordbot.domain.stats import CardStat, ReviewEvent
from wordbot.effects import SendText
from wordbot.rendering.operating import feedback_sender
from wordbot.transport.updates import TextMessage

NOW = datetime(2026, 3, 10, 22, 30, tzinfo=UTC)


def facts(pairs: int = 0, reviews=()) -> StatsFacts:
    cards = [CardStat(CardState.NEW, None, count=pairs)] if pairs else []
    return StatsFacts(cards, list(reviews), [])


def test_stats_with_no_pairs_is_a_short_owed_text_without_a_picture():
    reply = decide_stats(Snapshot(learner()), facts(), moment(NOW))
    assert reply.picture is None
    (text,) = reply.transition.owed
    assert isinstance(text, SendText) and "No words yet" in text.text
    assert reply.transition.writes == ()


def test_stats_with_pairs_writes_nothing_and_asks_for_a_picture_in_the_learners_language():
    snapshot = Snapshot(learner(language="ru"))
    reply = decide_stats(snapshot, facts(pairs=4), moment(NOW))
    assert reply.transition.changes_nothing
    picture = reply.picture
    assert picture.lang == "ru" and picture.stats.new == 4 and picture.rest is None
    assert picture.caption.startswith("📊 <b>Ваш прогресс</b>\nСлов: <b>4</b>")


@pytest.mark.parametrize(
    ("zone", "reviewed", "expected"),
    [
        ("UTC", [NOW - timedelta(days=1)], "🔥 2 days in a row"),
        ("UTC", [NOW - timedelta(days=2)], None),  # yesterday empty: the streak broke
        ("UTC", [], None),  # the first day
        ("UTC", [NOW - timedelta(hours=1)], None),  # today only, however many grades
        # 22:30 UTC is 01:30 next day in Moscow: a review at 20:00 UTC was "yesterday" there
        ("Europe/Moscow", [NOW - timedelta(hours=2, minutes=30)], "🔥 2 days in a row"),
        ("UTC", [NOW - timedelta(days=d) for d in (1, 2, 3, 4)], "🔥 5 days in a row"),
    ],
)
def test_the_streak_line_counts_the_learners_days_and_today(zone, reviewed, expected):
    assert streak_line_for(learner(timezone=zone), reviewed, NOW) == expected


def test_the_streak_line_in_russian_has_its_plural():
    days = [NOW - timedelta(days=d) for d in (1, 2, 3, 4)]
    assert streak_line_for(learner(language="ru"), days, NOW) == "🔥 5 дней подряд"


def test_stats_count_only_the_learners_review_log_events_given():
    reviews = [ReviewEvent(NOW - timedelta(minutes=5), 1, "review")]
    reply = decide_stats(Snapshot(learner()), facts(pairs=1, reviews=reviews), moment(NOW))
    assert reply.picture.stats.retention == 0.0 and reply.picture.stats.reviews_today == 1


@pytest.mark.parametrize(
    ("seen", "writes"),
    [
        (None, True),
        (NOW - timedelta(minutes=59), False),
        (NOW - timedelta(hours=1), True),
        (datetime(2026, 3, 10, 0, 10, tzinfo=UTC), True),  # same day but over an hour ago
        (datetime(2026, 3, 9, 23, 59, tzinfo=UTC), True),  # another UTC day
    ],
)
def test_last_seen_is_written_at_most_once_an_hour_and_on_a_new_day(seen, writes):
    decided = decide_seen(Snapshot(learner(last_seen_at=seen)), moment(NOW))
    assert decided.writes == ((UpdateLearner({"last_seen_at": NOW}),) if writes else ())


def test_a_blocked_user_who_writes_is_active_again_with_a_future_reminder():
    decided = decide_unblocked(Snapshot(learner(inactive=True)), Rules(), moment(NOW))
    (write,) = decided.writes
    assert write.changes["inactive"] is False and write.changes["next_reminder_at"] > NOW
    assert decide_unblocked(Snapshot(learner()), Rules(), moment(NOW)).writes == ()


def test_feedback_alone_waits_for_the_next_text_and_with_no_admins_thanks_anyway():
    waiting = decide_feedback_command(Snapshot(learner()), "  ", None, (), moment(NOW))
    (write,) = waiting.writes
    assert write.changes["pending_input"] == FEEDBACK_INPUT
    sent = decide_feedback_command(Snapshot(learner()), "hello", None, (), moment(NOW))
    assert [e.chat_id for e in sent.owed] == [learner().chat_id]


def test_feedback_goes_to_every_admin_once():
    sent = decide_feedback_command(Snapshot(learner()), "hi", "Ada", (9, 8, 9), moment(NOW))
    assert [e.chat_id for e in sent.owed] == [8, 9, learner().chat_id]


@pytest.mark.parametrize(
    ("text", "user_id"),
    [
        ("💬 Feedback from Ada (id 42) #id42\n\nhi", 42),
        ("💬 Отзыв от Ada (id 42) #id42", 42),
        ("hello\n#id42", None),  # the marker counts on the first line only
        ("#id", None),
        (None, None),
        ("#id" + "9" * 30, None),
    ],
)
def test_the_feedback_marker_is_read_back_from_the_first_line_only(text, user_id):
    assert feedback_sender(text) == user_id


def test_a_reply_from_someone_not_an_admin_is_not_a_feedback_reply():
    message = TextMessage(
        1, 5, 5, "private", 2, "x", reply_to_message_id=3, reply_to_bot_text="💬 Feedback #id42"
    )
    snapshot = Snapshot(learner(user_id=5, chat_id=5))
    assert decide_feedback_reply(snapshot, message, admins=(6,)) is None
    answered = decide_feedback_reply(snapshot, message, admins=(5,))
    assert [e.chat_id for e in answered.owed] == [42, 5]
