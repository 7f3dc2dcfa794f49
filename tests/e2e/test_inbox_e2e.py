"""The durable inbox against the real process (SPEC §7.1, §7.6): no user holds back another, a
group's spam costs one notice, one bot per database, and a SIGKILL at either seam of the inbox
(written but not confirmed; committed but not delivered) applies each update once and still
delivers what it owes. Orders are read from the emulator's change sequence, never from timers.
"""

from __future__ import annotations

import re

import pytest

from tests.support.bot_process import BotProcess
from tests.support.chat_steps import WAIT, add_pairs
from tests.support.databases import BACKENDS

pytestmark = pytest.mark.e2e

HELP = "keeps your word pairs and trains them"  # a line of the /help answer
WELCOME = "I help you learn word pairs"  # a line of the /start answer
SLOW_DOWN = "Slow down, please"
PRIVATE_ONLY = "WordBot works in private chats only."
FLOOD = 150
BOUND = 50  # storage.inbox.MAX_PENDING_PER_USER, the contract's number
HOLD = 600.0  # a held call outlives the test: the emulator drops it when it stops
FOREVER = 10_000  # injected failures: every call until they are cleared
FLOOD_WAIT = 150.0  # ~55 replies in one chat at the default 1 message/s

PAIRS = {"house": "casa", "dog": "perro", "tree": "árbol", "sun": "sol", "moon": "luna"}
TRANSLATION = {**PAIRS, **{b: a for a, b in PAIRS.items()}}


def sent(chat, contains: str) -> list:
    """The bot's new messages in `chat` containing `contains` (edits left out), in order."""
    return [m for m in chat.history() if m.event == "sent" and contains in m.text]


def inbox_rows(e2e_database, user_id: int) -> list[tuple[int, object]]:
    with e2e_database.connect() as db:
        return db.execute(
            "select update_id, handled_at from inbox where user_id = ? order by update_id",
            (user_id,),
        ).fetchall()


def game_score(e2e_database, user_id: int) -> tuple[int, int]:
    with e2e_database.connect() as db:
        return db.execute(
            "select score_correct, score_attempted from game_sessions where user_id = ?",
            (user_id,),
        ).fetchone()


def question_after(chat, since):
    return chat.wait_for_message(
        predicate=lambda m: m.event == "sent" and m.text.startswith("Translate:"),
        since=since,
        timeout=WAIT,
    )


def right_answer(question) -> str:
    return TRANSLATION[re.fullmatch(r"Translate: (.+) → \?", question.text)[1]]


def start_game(bot, emulator, user_id: int):
    """A user with pairs and a game whose first question is shown (its message id recorded)."""
    chat = emulator.private_chat(user_id=user_id)
    add_pairs(chat, PAIRS)
    since = chat.mark()
    chat.send_text("/game")
    question = question_after(chat, since)
    bot.wait_until_idle()
    return chat, question


# --- no user holds back another -----------------------------------------------------------


def test_a_flood_from_one_user_delays_nobody_else_and_is_bounded(emulator, bot, e2e_database):
    """User A sends 150 /help at once; user B's /help, sent after all of them, is answered
    before A's 10th reply. A has at most 50 entries waiting: the rest are dropped with one
    "Slow down", and every stored one is answered exactly once. Default pacing, with the
    emulator enforcing Telegram's limits."""
    emulator.enforce_rate_limits()
    flooder = emulator.private_chat(user_id=7001)
    other = emulator.private_chat(user_id=7002)
    for _ in range(FLOOD):
        flooder.send_text("/help")
    other.send_text("/help")

    answer = other.wait_for_message(contains=HELP, since=0, timeout=WAIT)
    emulator.wait_for_confirmation(timeout=WAIT)  # all 151 reached the inbox (or were dropped)
    with e2e_database.connect() as db:
        waiting = db.execute(
            "select count(*) from inbox where user_id = ? and handled_at is null", (7001,)
        ).fetchone()[0]
    assert waiting <= BOUND

    bot.wait_until_idle(timeout=FLOOD_WAIT)
    replies = sent(flooder, HELP)
    assert len(replies) >= 10 and answer.seq < replies[9].seq, "B waited behind A's flood"

    stored = inbox_rows(e2e_database, 7001)
    assert BOUND <= len(stored) < FLOOD
    assert all(handled is not None for _, handled in stored)
    assert len(replies) == len(stored), "each stored update is answered exactly once"
    dropped = sum(
        int(n)
        for n in re.findall(r"dropped (\d+) updates beyond the per-user bound", bot.log_text())
    )
    assert dropped + len(stored) == FLOOD, "every update is either stored or counted as dropped"

    flooder.wait_for_message(contains=SLOW_DOWN, since=0, timeout=WAIT)
    assert len(sent(flooder, SLOW_DOWN)) == 1  # at most one a minute; the flood took seconds
    assert [m.text for m in other.bot_messages()] == [answer.text]  # B got only its answer
    assert emulator.count_429 == 0


def test_group_spam_gets_one_notice_and_delays_no_private_user(emulator, bot, e2e_database):
    """40 /start in a group, then a private /help: the private user is answered before the group
    gets a second reply, and the group gets exactly one "private chats only". Nothing of the
    group reaches the inbox or creates a learner."""
    emulator.enforce_rate_limits()
    group = emulator.group_chat(-1001234567890, user_id=7101)
    private = emulator.private_chat(user_id=7102)
    for _ in range(40):
        group.send_text("/start")
    private.send_text("/help")

    answer = private.wait_for_message(contains=HELP, since=0, timeout=WAIT)
    notice = group.wait_for_message(contains=PRIVATE_ONLY, since=0, timeout=WAIT)
    bot.wait_until_idle()
    group_messages = [m for m in group.history() if m.event == "sent"]
    assert group_messages == [notice]
    assert [m.text for m in private.bot_messages()] == [answer.text]

    with e2e_database.connect() as db:
        assert db.execute(
            "select count(*) from inbox where chat_id = ? or user_id = ?",
            (group.chat_id, 7101),
        ).fetchone() == (0,)
        assert db.execute("select count(*) from users where id = ?", (7101,)).fetchone() == (0,)

    since = group.mark()  # within the hour: another command in the group gets no answer
    group.send_text("/help")
    private.send_text("/start")
    private.wait_for_message(contains=WELCOME, timeout=WAIT)
    bot.wait_until_idle()
    assert group.next_change(since, timeout=0) is None
    assert emulator.count_429 == 0


# --- one bot per database ------------------------------------------------------------------


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_a_second_run_on_the_same_database_is_refused(emulator, bot, tmp_path, e2e_database):
    """`wordbot run` while another runs on the same database: exit 1 with one line, before any
    Bot API call (it must not delete a webhook or steal updates); the first one carries on."""
    emulator.wait_for_poll(timeout=WAIT)  # the first one's start-up calls are all made
    calls = len(emulator.calls)
    second_dir = tmp_path / "second"
    second_dir.mkdir()
    second = BotProcess(emulator, second_dir, database_url=e2e_database.url)
    finished = second.run_to_exit(timeout=WAIT)

    assert finished.returncode == 1, finished.stderr
    lines = finished.stderr.decode().splitlines()
    assert len(lines) == 1 and "already running" in lines[0], lines
    assert finished.stdout == b""
    started = {call.method for call in emulator.calls[calls:]} - {"getUpdates"}
    assert started == set(), f"the refused process called {started}"

    chat = emulator.private_chat(user_id=7201)
    chat.send_text("/help")
    chat.wait_for_message(contains=HELP, timeout=WAIT)
    bot.wait_until_idle()


# --- SIGKILL at the inbox's seams ---------------------------------------------------------


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_kill_between_inbox_write_and_confirm_applies_once(emulator, bot, e2e_database):
    """A typed game answer is in the inbox, not yet handled (the actor is stuck delivering an
    earlier /help), and Telegram never saw the confirming offset (getUpdates fails). SIGKILL.
    After the restart Telegram delivers the answer again: it counts once, and the /help reply,
    the answer's mark and the next question all arrive."""
    user = 7301
    chat, question = start_game(bot, emulator, user)

    emulator.inject_timeout(method="sendMessage", seconds=HOLD, count=1)  # the /help reply
    chat.send_text("/help")
    emulator.wait_for_confirmation(timeout=WAIT)  # /help confirmed; the next poll is waiting
    emulator.inject_faults(method="getUpdates", status=500, count=FOREVER)
    calls = len(emulator.calls)
    chat.send_text(right_answer(question))
    emulator.wait_for_call(
        "getUpdates", predicate=lambda call: call.status == 500, since=calls, timeout=WAIT
    )  # the poller wrote the batch to the inbox and then failed to confirm it

    (answer_update,) = [u["update_id"] for u in emulator.pending_updates()]
    # the actor is stuck delivering the /help reply: the answer waits in the inbox
    assert inbox_rows(e2e_database, user)[-1] == (answer_update, None)
    bot.kill()
    emulator.clear_faults()
    assert [u["update_id"] for u in emulator.pending_updates()] == [answer_update]

    since = chat.mark()
    bot.start()
    marked = chat.wait_for_message(
        predicate=lambda m: m.message_id == question.message_id and m.text.endswith("✅"),
        since=since,
        timeout=WAIT,
    )
    following = question_after(chat, since)
    bot.wait_until_idle()  # the redelivered answer was fetched and confirmed too

    assert game_score(e2e_database, user) == (1, 1), "the answer counted once"
    assert len(sent(chat, HELP)) == 1  # the owed reply, once (the held one never completed)
    edits = [m for m in chat.history() if m.message_id == question.message_id and m.edited]
    assert edits == [marked]
    assert sent(chat, "Translate:")[-1] == following and len(sent(chat, "Translate:")) == 2
    assert all(handled is not None for _, handled in inbox_rows(e2e_database, user))

    since = chat.mark()  # the live prompt works: one more answer, one more attempt
    chat.send_text(right_answer(following))
    chat.wait_for_message(
        predicate=lambda m: m.message_id == following.message_id and m.text.endswith("✅"),
        since=since,
        timeout=WAIT,
    )
    bot.wait_until_idle()
    assert game_score(e2e_database, user) == (2, 2)


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_kill_between_commit_and_delivery_sends_what_is_owed_once(emulator, bot, e2e_database):
    """A typed answer is committed (the next question went out) while its mark on the answered
    question is stuck in flight. SIGKILL; Telegram delivers the answer again (its confirmation
    may have been lost). After the restart the mark arrives, the answer counted once, and the
    next question is live (sent again: its message id was never recorded)."""
    user = 7401
    chat, question = start_game(bot, emulator, user)

    emulator.inject_timeout(method="editMessageText", seconds=HOLD, count=1)
    since = chat.mark()
    chat.send_text(right_answer(question))
    before_kill = question_after(chat, since)  # sent only after the commit
    bot.kill()
    emulator.clear_faults()
    with e2e_database.connect() as db:
        assert db.execute("select count(*) from outbox").fetchone()[0] >= 1  # the mark is owed
        (answer_update,) = db.execute(
            "select max(update_id) from inbox where user_id = ?", (user,)
        ).fetchone()
    emulator.redeliver(answer_update)

    since = chat.mark()
    bot.start()
    marked = chat.wait_for_message(
        predicate=lambda m: m.message_id == question.message_id and m.text.endswith("✅"),
        since=since,
        timeout=WAIT,
    )
    again = question_after(chat, since)
    bot.wait_until_idle()

    assert game_score(e2e_database, user) == (1, 1), "the redelivered answer did not count again"
    edits = [m for m in chat.history() if m.message_id == question.message_id and m.edited]
    assert edits == [marked]
    assert again.text == before_kill.text and again.has_keyboard
    with e2e_database.connect() as db:
        assert db.execute("select count(*) from outbox").fetchone() == (0,)
        assert db.execute(
            "select current_message_id from game_sessions where user_id = ?", (user,)
        ).fetchone() == (again.message_id,)

    since = chat.mark()
    chat.send_text(right_answer(again))
    chat.wait_for_message(
        predicate=lambda m: m.message_id == again.message_id and m.text.endswith("✅"),
        since=since,
        timeout=WAIT,
    )
    bot.wait_until_idle()
    assert game_score(e2e_database, user) == (2, 2)
