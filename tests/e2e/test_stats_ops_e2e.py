"""/stats, metrics, /feedback and /admin, and hostile operating cases against the real process
(SPEC §14, §16, §7.6; issue 16's hostile cases 6, 9 and 10)."""

from __future__ import annotations

import socket
import time
import urllib.request

import pytest

from tests.support.bot_process import BotProcess
from tests.support.chat_steps import WAIT, add_pairs, next_prompt, press_and_see_edit
from tests.support.databases import BACKENDS
from tests.support.hostile import private_chat, user_json

pytestmark = pytest.mark.e2e

USER, OTHER, ADMIN = 8801, 8802, 8899
BOT = {"id": 1, "is_bot": True, "first_name": "WordBot", "username": "WordBot_Bot"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def ops_bot(emulator, tmp_path, e2e_database):
    """The bot with an admin and metrics on a free port."""
    port = free_port()
    process = BotProcess(
        emulator,
        tmp_path,
        database_url=e2e_database.url,
        WORDBOT_ADMIN_IDS=str(ADMIN),
        WORDBOT_METRICS_LISTEN=f"127.0.0.1:{port}",
    ).start()
    process.metrics_url = f"http://127.0.0.1:{port}/metrics"
    yield process
    process.close()
    assert "Traceback" not in process.log_text()


def scrape(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url, timeout=5) as response:
        body = response.read().decode()
    samples = {}
    for line in body.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def photos(chat, since=0):
    return [m for m in chat.history() if m.seq > since and m.photo and m.event == "sent"]


def grade_all_good(chat, count):
    since = chat.mark()
    for _ in range(count):
        prompt = next_prompt(chat, since)
        since, _ = press_and_see_edit(chat, prompt, "Good")


# --- /stats -----------------------------------------------------------------------------------


def test_stats_photo_and_caption_agree_with_the_grades_made(emulator, bot):
    chat = emulator.private_chat(user_id=USER)
    since = chat.mark()
    chat.send_text("/stats")
    assert "No words yet" in chat.wait_for_message(since=since, timeout=WAIT).text
    add_pairs(chat, {"sun": "sol", "moon": "luna", "star": "estrella"})
    chat.send_text("/review")
    grade_all_good(chat, 3)
    done = chat.wait_for_message(contains="Well done reviewing 3 cards.", since=since)
    assert "🔥" not in done.text  # the first day of reviewing
    since = chat.mark()
    chat.send_text("/stats")
    photo = chat.wait_for_message(predicate=lambda m: bool(m.photo), since=since, timeout=WAIT)
    # Good on a new card moves it to learning (SPEC §4.4): all three are learning now
    assert "Words: 3 — new 0 · learning 3 · review 0 · suspended 0" in photo.text
    assert "Due now: 0" in photo.text
    assert photo.text.startswith("📊 Your progress")
    assert photo.largest_photo["width"] >= 800
    bot.wait_until_idle()


def test_stats_pressed_again_and_again_is_paced_without_429(emulator, bot):
    emulator.enforce_rate_limits()
    chat = emulator.private_chat(user_id=OTHER)
    add_pairs(chat, {"sun": "sol"})
    since = chat.mark()
    for _ in range(6):
        chat.send_text("/stats")
    deadline = time.monotonic() + WAIT
    while len(photos(chat, since)) < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(photos(chat, since)) == 6
    assert emulator.count_429 == 0
    bot.wait_until_idle()


# --- metrics ----------------------------------------------------------------------------------


def test_metrics_move_with_what_users_do_and_name_no_user(emulator, ops_bot):
    chat = emulator.private_chat(user_id=USER)
    add_pairs(chat, {"sun": "sol", "moon": "luna"})
    ops_bot.wait_until_idle()
    before = scrape(ops_bot.metrics_url)
    chat.send_text("/review")
    grade_all_good(chat, 2)
    chat.wait_for_message(contains="Well done reviewing 2 cards.", since=0, timeout=WAIT)
    ops_bot.wait_until_idle()
    after = scrape(ops_bot.metrics_url)
    assert after["wordbot_updates_received_total"] == before["wordbot_updates_received_total"] + 3
    assert after["wordbot_updates_handled_total"] == before["wordbot_updates_handled_total"] + 3
    assert after['wordbot_grades_total{rating="good"}'] == 2
    assert after["wordbot_update_handling_seconds_count"] >= 3
    sent = 'wordbot_bot_api_calls_total{method="sendMessage",outcome="ok"}'
    assert after[sent] > before[sent]
    assert after["wordbot_inbox_depth"] == 0 and after["wordbot_outbox_depth"] == 0
    assert after["wordbot_live_actors"] >= 1
    with urllib.request.urlopen(ops_bot.metrics_url, timeout=5) as response:
        body = response.read().decode()
    assert str(USER) not in body and "sol" not in body


# --- /feedback and /admin ---------------------------------------------------------------------


def test_feedback_reaches_the_admin_and_the_admins_reply_reaches_the_user(emulator, ops_bot):
    user = emulator.private_chat(user_id=USER)
    admin = emulator.private_chat(user_id=ADMIN)
    since = user.mark()
    user.send_text("/feedback The game is fun")
    assert "Thank you" in user.wait_for_message(since=since, timeout=WAIT).text
    forwarded = admin.wait_for_message(contains=f"#id{USER}", since=0, timeout=WAIT)
    assert f"(id {USER})" in forwarded.text and "The game is fun" in forwarded.text

    since = user.mark()
    reply = {
        "message_id": 9001,
        "from": user_json(ADMIN),
        "chat": private_chat(ADMIN),
        "date": int(time.time()),
        "text": "Glad to hear it!",
        "reply_to_message": {
            "message_id": forwarded.message_id,
            "from": BOT,
            "chat": private_chat(ADMIN),
            "date": forwarded.date,
            "text": forwarded.text,
        },
    }
    emulator.send_update({"message": reply})
    answer = user.wait_for_message(contains="Glad to hear it!", since=since, timeout=WAIT)
    assert answer.text.startswith("📨 The bot's team answered:")
    admin.wait_for_message(contains=f"Sent to {USER}.", since=0, timeout=WAIT)
    ops_bot.wait_until_idle()


def test_admin_shows_counts_to_the_admin_and_is_unknown_to_anyone_else(emulator, ops_bot):
    user = emulator.private_chat(user_id=USER)
    admin = emulator.private_chat(user_id=ADMIN)
    since = user.mark()
    user.send_text("/admin")
    assert "/admin" in user.wait_for_message(since=since, timeout=WAIT).text
    assert "Users" not in user.last_bot_message().text
    admin.send_text("/admin")
    report = admin.wait_for_message(contains="Users: 2", since=0, timeout=WAIT)
    assert "Inbox: " in report.text and "WordBot" in report.text
    ops_bot.wait_until_idle()


# --- hostile operating cases ------------------------------------------------------------------


def test_a_429_for_an_hour_on_one_chat_never_holds_up_another_user(emulator, bot):
    held = emulator.private_chat(user_id=USER)
    other = emulator.private_chat(user_id=OTHER)
    emulator.inject_faults(
        method="sendMessage", status=429, count=1, retry_after=3600, chat_id=USER
    )
    held.send_text("/help")
    emulator.wait_for_call("sendMessage", timeout=WAIT)  # the 429
    started = time.monotonic()
    other.send_text("/help")
    other.wait_for_message(contains="WordBot", since=0, timeout=WAIT)
    assert time.monotonic() - started < WAIT
    assert held.bot_messages() == []
    since = held.mark()
    held.send_text("/start")  # the user's next event pays what was owed, then answers
    held.wait_for_message(contains="keeps your word pairs", since=since, timeout=WAIT)
    bot.wait_until_idle()


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_a_private_update_from_another_user_gets_no_reply_and_changes_no_chat(
    emulator, bot, e2e_database
):
    victim = emulator.private_chat(user_id=USER)
    add_pairs(victim, {"sun": "sol"})
    since = victim.mark()
    forged = {
        "message_id": 77,
        "from": user_json(OTHER),
        "chat": private_chat(USER),
        "date": int(time.time()),
        "text": "/clear",
    }
    emulator.send_update({"message": forged})
    bot.wait_until_idle()
    assert [m for m in victim.history() if m.seq > since] == []
    with e2e_database.connect() as db:
        rows = db.execute("select id, chat_id from users order by id").fetchall()
    assert [tuple(row) for row in rows] == [(USER, USER)]


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_lone_surrogates_in_text_file_name_and_callback_data_get_a_short_reply(
    emulator, bot, e2e_database
):
    chat = emulator.private_chat(user_id=USER)
    since = chat.mark()
    chat.send_text("/add house\ud800, casa\udfff")
    reply = chat.wait_for_message(contains="Imported", since=since, timeout=WAIT)
    assert reply.text.startswith("Imported 1 new pairs")
    since = chat.mark()
    chat.send_document("words\udc00.csv", b"dog,perro\n", mime_type="text/csv")
    assert "Imported 1 new pairs" in chat.wait_for_message(since=since, timeout=WAIT).text
    query = chat.press_data(reply, "trn:good:\ud800")
    assert chat.wait_for_callback_answer(query, timeout=WAIT).text
    bot.wait_until_idle()
    assert "Traceback" not in bot.log_text()
