"""A reminder slot against the real process and the wall clock: the slot is set to the next
minute, so this test waits up to about a minute (the only e2e test that does)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.bot_process import BotProcess

pytestmark = pytest.mark.e2e

USER = 4004
WAIT = 15.0


def next_minute() -> str:
    moment = datetime.now(UTC) + timedelta(minutes=1)
    if moment.second > 50:  # leave the bot time to start and the user to act before the slot
        moment += timedelta(minutes=1)
    return moment.strftime("%H:%M")


def test_reminder_expires_the_active_session_and_starts_a_fresh_one(emulator, tmp_path):
    slot = next_minute()
    bot = BotProcess(
        emulator,
        tmp_path,
        WORDBOT_REMINDERS_MORNING=slot,
        WORDBOT_REMINDERS_AFTERNOON=slot,
        WORDBOT_REMINDERS_EVENING=slot,
        WORDBOT_REMINDERS_ACTIVE_GRACE_MINUTES="0",
        WORDBOT_SCHEDULER_TICK_SECONDS="1",
    ).start()
    try:
        chat = emulator.private_chat(user_id=USER)
        since = chat.mark()
        chat.send_text("/add " + "\n".join(f"w{n}, v{n}" for n in range(6)))
        chat.wait_for_message(contains="Imported 6", since=since, timeout=WAIT)
        since = chat.mark()
        chat.send_text("/review")
        old = chat.wait_for_message(predicate=lambda m: m.has_keyboard, since=since, timeout=WAIT)

        expired = chat.wait_for_message(
            predicate=lambda m: m.message_id == old.message_id and "expired" in m.text,
            since=since,
            timeout=150,
        )
        assert expired.text.endswith("The session is expired.") and not expired.has_keyboard
        fresh = chat.wait_for_message(
            predicate=lambda m: (
                m.event == "sent" and m.has_keyboard and m.message_id > old.message_id
            ),
            since=since,
            timeout=WAIT,
        )
        assert "Card 1 of 5" in fresh.text

        query = chat.press_data(old, data=old.buttons[0][2].callback_data)
        assert chat.wait_for_callback_answer(query, timeout=WAIT).text == (
            "This button is no longer active."
        )
        bot.wait_until_idle()
        with sqlite3.connect(tmp_path / "wordbot.db") as db:
            assert db.execute(
                "select kind, current_index, current_message_id from training_sessions"
            ).fetchall() == [("reminder", 0, fresh.message_id)]
            assert db.execute(
                "select count(*) from word_pairs where last_reviewed_at is not null"
            ).fetchone() == (0,)
            sent_at = db.execute("select last_reminder_sent_at from users").fetchone()[0]
            assert sent_at is not None
    finally:
        bot.close()
