"""Paid broadcasts against the real process (SPEC §1.3 `telegram.paid_broadcast`): reminders go
with `allow_paid_broadcast` when it is on, replies never do; when it is off nothing does.

The learners are seeded with a reminder already due, so the start-up tick reminds them at once
(no clock to shift). Telegram's limits are enforced by the emulator throughout."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.bot_process import BotProcess
from wordbot.benchmarks.seed import SeedPlan, seed

pytestmark = pytest.mark.e2e

FIRST_USER = 6001
USERS = 3
WAIT = 30.0


def _is_prompt(message) -> bool:
    return message.event == "sent" and message.find_button("Good") is not None


@pytest.mark.parametrize("paid", [True, False], ids=["paid_on", "paid_off"])
def test_reminders_are_paid_broadcasts_only_when_on_and_replies_never(emulator, tmp_path, paid):
    plan = SeedPlan(users=USERS, cards=3, first_user_id=FIRST_USER)
    seed(f"sqlite:///{tmp_path / 'wordbot.db'}", plan, datetime.now(UTC))
    chats = [emulator.private_chat(user_id=user) for user in plan.user_ids]
    emulator.enforce_rate_limits()
    flag = {"WORDBOT_TELEGRAM_PAID_BROADCAST": "true" if paid else "false"}
    bot = BotProcess(emulator, tmp_path, **flag).start()
    try:
        reminders = [chat.wait_for_message(predicate=_is_prompt, timeout=WAIT) for chat in chats]
        assert [reminder.paid_broadcast for reminder in reminders] == [paid] * USERS

        chat, reminder = chats[0], reminders[0]
        since = chat.mark()
        chat.press(reminder, "Good")
        following = chat.wait_for_message(predicate=_is_prompt, since=since, timeout=WAIT)
        assert following.message_id != reminder.message_id
        assert following.paid_broadcast is False
        since = chat.mark()
        chat.send_text("/help")
        help_reply = chat.wait_for_message(predicate=lambda m: m.event == "sent", since=since)
        assert help_reply.paid_broadcast is False

        paid_calls = [
            call
            for call in emulator.calls_to("sendMessage")
            if "allow_paid_broadcast" in call.params
        ]
        assert len(paid_calls) == (USERS if paid else 0)
        assert {int(call.params["chat_id"]) for call in paid_calls} <= set(plan.user_ids)
        assert emulator.count_paid_broadcasts == len(paid_calls)
        assert emulator.count_429 == 0
    finally:
        bot.close()
