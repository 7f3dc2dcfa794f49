"""Start-up replay (SPEC §6.2, §7.1): what a crash left owed in the outbox reaches the user
after the restart by itself, with no message or press from the user after it."""

from __future__ import annotations

import pytest
import requests

from tests.support.bot_process import E2E_TOKEN, BotProcess
from tests.support.chat_steps import WAIT, add_pairs, next_prompt
from tests.support.databases import BACKENDS

pytestmark = pytest.mark.e2e

USER = 5005
PAIRS = {f"replay{n}": f"otvet{n}" for n in range(3)}
FAILING = ("sendMessage", "editMessageText")
FOREVER = 10_000  # failures injected: the sender retries until it is killed


def confirm_everything(emulator) -> None:
    """Confirm the pending updates as a poller would. The killed process held the press
    unconfirmed while its delivery failed; confirmed, it is not delivered again, so only the
    start-up replay can bring what the press owes (a redelivered press would hide a missing
    replay, as any user input would)."""
    pending = emulator.pending_updates()
    if pending:
        offset = pending[-1]["update_id"] + 1
        url = f"{emulator.url}/bot{E2E_TOKEN}/getUpdates"
        assert requests.get(url, params={"offset": offset, "timeout": 0}, timeout=WAIT).ok


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_messages_owed_at_a_crash_arrive_after_restart_without_user_input(
    emulator, tmp_path, e2e_database
):
    bot = BotProcess(emulator, tmp_path, database_url=e2e_database.url).start()
    try:
        chat = emulator.private_chat(user_id=USER)
        add_pairs(chat, PAIRS)
        since = chat.mark()
        chat.send_text("/review")
        prompt = next_prompt(chat, since)

        for method in FAILING:  # Telegram fails every delivery: the grade's messages stay owed
            emulator.inject_faults(method=method, status=500, count=FOREVER)
        calls = len(emulator.calls)
        chat.press(prompt, button="Good")
        emulator.wait_for_call("editMessageText", since=calls, timeout=WAIT)  # committed, failed
        bot.kill()
        confirm_everything(emulator)
        with e2e_database.connect() as db:
            owed = db.execute("select count(*) from outbox").fetchone()[0]
        assert owed > 0, "nothing was left owed: the test did not set up a crash debt"

        emulator.clear_faults()
        assert emulator.pending_updates() == []
        since = chat.mark()
        bot.start()

        edited = chat.wait_for_message(
            predicate=lambda m: m.message_id == prompt.message_id and m.event == "edited",
            since=since,
            timeout=WAIT,
        )
        assert edited.text.endswith("→ Good") and not edited.has_keyboard
        following = next_prompt(chat, since)
        assert "Card 2 of 3" in following.text
        assert emulator.pending_updates() == []  # no user input since the restart
        bot.wait_until_idle()
        with e2e_database.connect() as db:
            assert db.execute("select count(*) from outbox").fetchone() == (0,)
        assert E2E_TOKEN not in bot.log_text()
    finally:
        bot.close()
