"""A reminder slot against the real process. The process runs on a shifted clock (the test
hook in wordbot.clock) that reads LEAD before the slot at start-up, whatever the hour the
test starts: the learner has a minute to start a session, and the slot comes LEAD later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.bot_process import BotProcess, reminders_on
from tests.support.databases import BACKENDS

pytestmark = pytest.mark.e2e

USER = 4004
WAIT = 15.0
SLOT = "12:00"
LEAD = timedelta(seconds=65)  # at least 60 s for start-up and the learner's steps


def offset_to_just_before(slot: str, lead: timedelta) -> timedelta:
    """The clock offset that makes the process's now `lead` before today's `slot` (UTC)."""
    now = datetime.now(UTC)
    hour, minute = map(int, slot.split(":"))
    return now.replace(hour=hour, minute=minute, second=0, microsecond=0) - lead - now


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_reminder_expires_the_active_session_and_starts_a_fresh_one(
    emulator, tmp_path, e2e_database
):
    bot = BotProcess(
        emulator,
        tmp_path,
        database_url=e2e_database.url,
        WORDBOT_REMINDERS_ACTIVE_GRACE_MINUTES="0",
        **reminders_on(SLOT, offset_to_just_before(SLOT, LEAD)),
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
            timeout=LEAD.total_seconds() + 60,  # only catches a reminder that never comes
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
        with e2e_database.connect() as db:
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
