"""A reminder wave cut short by SIGKILL (SPEC §6.2, §9 B3): the real process, paced at 25
messages a second, is killed while its drain sends; after the restart every prepared prompt
is sent, and no learner is reminded twice for the slot (one reminder session each: every copy
a chat got carries the same session's token). A copy sent but not yet recorded at the kill is
the "rare duplicate" SPEC §6.2 allows: at most the few in flight."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from datetime import UTC, datetime

import pytest

from actors.supervisor import DRAIN_AHEAD
from tests.support.bot_process import BotProcess
from wordbot.benchmarks.seed import SeedPlan, open_private_chats, seed

pytestmark = [pytest.mark.e2e, pytest.mark.crash]

LEARNERS = 120
WAIT = 60.0


def _token(message) -> str:
    """The session token a training prompt's buttons carry (tr:<action>:<token>)."""
    return message.flat_buttons()[0].callback_data.rsplit(":", 1)[-1]


def test_a_wave_killed_mid_drain_sends_each_prompt_after_the_restart_and_reminds_once(
    emulator, tmp_path
):
    database = tmp_path / "wordbot.db"
    seed(f"sqlite:///{database}", SeedPlan(users=LEARNERS, cards=3), datetime.now(UTC))
    open_private_chats(emulator, range(1, LEARNERS + 1))
    prompts: dict[int, list] = defaultdict(list)
    lock = threading.Lock()

    def on_message(message) -> None:
        if message.event == "sent" and message.has_keyboard:
            with lock:
                prompts[message.chat_id].append(message)

    unsubscribe = emulator.subscribe(on_message)
    paced = {"WORDBOT_TELEGRAM_MAX_MESSAGES_PER_SECOND": "25"}
    bot = BotProcess(emulator, tmp_path, **paced)
    try:
        bot.start()  # its start-up tick finds every learner due
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with lock:
                reached = len(prompts)
            if reached >= LEARNERS // 3:
                break
            time.sleep(0.01)
        bot.kill()  # mid-wave: a third reminded, the rest prepared or still to prepare
        with lock:
            before_kill = len(prompts)
        assert LEARNERS // 3 <= before_kill < LEARNERS

        bot.start()
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with lock:
                if len(prompts) == LEARNERS:
                    break
            time.sleep(0.05)
        while time.monotonic() < deadline:  # and every prompt's message id recorded
            backlog = bot.backlog()
            if not backlog["training prompts"] and not backlog["outbox"]:
                break
            time.sleep(0.05)
        assert bot.backlog()["training prompts"] == 0
    finally:
        unsubscribe()
        bot.close()

    assert sorted(prompts) == list(range(1, LEARNERS + 1))  # every learner got their prompt
    tokens = {chat: {_token(m) for m in sent} for chat, sent in prompts.items()}
    assert all(len(found) == 1 for found in tokens.values())  # one reminder session each
    copies = sum(len(sent) - 1 for sent in prompts.values())
    assert copies <= DRAIN_AHEAD  # only what was in flight at the kill went twice
