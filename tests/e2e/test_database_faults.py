"""PostgreSQL going away under the real process: an update the inbox cannot take stays with
Telegram, nothing is half-written, the process lives on, and once the database is back every
action is applied once, in order (SPEC §7)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from datetime import UTC
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from tests.support.bot_process import E2E_TOKEN, BotProcess
from tests.support.chat_steps import next_prompt, press_and_see_edit
from tests.support.databases import POSTGRES_SKIP_REASON, POSTGRES_URL
from tests.support.e2e_databases import e2e_database
from tests.support.tcp_proxy import TcpProxy
from wordbot.domain.fsrs_schedule import SchedulerConfig, fuzz_for, schedule_grade
from wordbot.domain.srs import CardSchedule, Grade

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP_REASON),
]

USER = 3003
WAIT = 15.0
SORRY = "Something went wrong, please try again."
PAIRS = {"alpha": "uno", "beta": "dos", "gamma": "tres"}
PAIR_COLUMNS = (
    "word1, word2, state, step, interval_days, reps, lapses, ease, due_at, last_reviewed_at, id"
)


def easy_on_new(row) -> tuple:
    """What Easy does to a new card of a new (FSRS, SPEC §12) user, graded when the row says:
    (state, step, interval_days, reps); the interval carries the card's own fuzz."""
    new = CardSchedule()
    reviewed_at, pair_id = row[-2].replace(tzinfo=UTC), row[-1]
    after = schedule_grade(new, Grade.EASY, reviewed_at, SchedulerConfig(), fuzz_for(pair_id, new))
    return (after.state.value, after.step, after.interval_days, after.reps)


SESSION_COLUMNS = "pair_ids, current_index, current_token, reviewed_count, kind"


@pytest.fixture
def own_database(tmp_path):
    """A database of the test's own on the test server. The instance lock (SPEC §7.6) is one
    per database: in the shared test database a bot of another test or another run (xdist's
    other worker, another checkout's suite) would hold it and this bot would be refused."""
    yield from e2e_database("postgresql", tmp_path)


@pytest.fixture
def admin(own_database):
    """A direct connection to the test's database, bypassing the proxy."""
    import psycopg2

    connection = psycopg2.connect(own_database.url)
    connection.autocommit = True
    yield connection
    connection.close()


@pytest.fixture
def schema(admin):
    name = f"wordbot_fault_{secrets.token_hex(4)}"
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {name}")
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture
def proxy():
    parts = urlsplit(POSTGRES_URL)
    with TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432) as running:
        yield running


@pytest.fixture
def database_url(proxy, own_database, schema):
    """The test's database, through the proxy, with the fresh schema as search_path
    (playhouse.db_url hands query parameters such as `options` to psycopg2)."""
    parts = urlsplit(own_database.url)
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{proxy.host}:{proxy.port}"
    query = parse_qsl(parts.query) + [("options", f"-csearch_path={schema}")]
    return urlunsplit(
        (
            parts.scheme,
            f"{userinfo}@{netloc}" if userinfo else netloc,
            parts.path,
            urlencode(query),
            "",
        )
    )


@pytest.fixture
def bot(emulator, tmp_path, database_url):
    process = BotProcess(emulator, tmp_path, database_url=database_url).start()
    yield process
    process.close()
    assert E2E_TOKEN not in process.log_text(), "the token leaked into the log"


def rows(admin, schema: str) -> tuple[dict, list]:
    """word_pairs by word1, and the training sessions, read straight from the server."""
    with admin.cursor() as cursor:
        cursor.execute(f"SELECT {PAIR_COLUMNS} FROM {schema}.word_pairs ORDER BY word1")
        pairs = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(f"SELECT {SESSION_COLUMNS} FROM {schema}.training_sessions ORDER BY id")
        sessions = cursor.fetchall()
    return pairs, sessions


def word_of(prompt) -> str:
    """The pair (by word1) a prompt asks about, whichever side it shows."""
    for word1, word2 in PAIRS.items():
        if re.search(rf"\b({word1}|{word2})\b", prompt.text):
            return word1
    raise AssertionError(f"no known pair in prompt {prompt.text!r}")


def ask(chat, text: str, **wanted):
    since = chat.mark()
    chat.send_text(text)
    return chat.wait_for_message(since=since, timeout=WAIT, **wanted)


def grade(chat, prompt, label):
    """Press a grade; returns the edited prompt and the next one."""
    since, edited = press_and_see_edit(chat, prompt, label)
    return edited, next_prompt(chat, since)


def start_with_refused_database(emulator, tmp_path, proxy, database_url):
    """`wordbot run` while the database refuses every connection; its completed run (the
    timeout only catches a process that never gives up)."""
    proxy.refuse(True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORDBOT_")}
    env.update(
        WORDBOT_TELEGRAM_TOKEN=E2E_TOKEN,
        WORDBOT_TELEGRAM_API_URL=emulator.url,
        WORDBOT_DATABASE_URL=database_url,
    )
    return subprocess.run(
        [sys.executable, "-m", "wordbot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unreachable_database_at_start_up_exits_1_with_one_error_line(
    emulator, tmp_path, proxy, database_url
):
    result = start_with_refused_database(emulator, tmp_path, proxy, database_url)
    assert result.returncode == 1, result.stderr
    assert proxy.refused >= 1  # it really tried the database, through the proxy
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    assert "ERROR wordbot: cannot start: the database is unavailable (" in lines[0]
    assert "Traceback" not in result.stderr
    assert E2E_TOKEN not in result.stderr
    assert not emulator.calls_to("getUpdates")


@pytest.fixture
def training(emulator, bot, admin, schema):
    """Three pairs added, a /review with the first card graded Good; returns (chat, prompt of
    the second card) once every update is confirmed."""
    chat = emulator.private_chat(user_id=USER)
    reply = ask(
        chat, "/add " + "\n".join(f"{a}, {b}" for a, b in PAIRS.items()), contains="Imported"
    )
    assert reply.text == "Imported 3 new pairs, updated 0, skipped 0 rows."
    since = chat.mark()
    chat.send_text("/review")
    _, current = grade(chat, next_prompt(chat, since), "Good")
    bot.wait_until_idle()
    pairs, sessions = rows(admin, schema)
    assert sorted(pairs) == sorted(PAIRS)  # the bot's tables are in the URL's schema
    assert [(row[1], row[3]) for row in sessions] == [(1, 1)]  # index 1, one card reviewed
    return chat, current


def act(chat, current, action: str) -> None:
    """Do `action` without waiting for any answer."""
    if action == "grade":
        chat.press(current, button="Easy")
    else:
        chat.send_text(action)


def wait_for_refused_inbox_write(bot) -> None:
    """The bot tried to write the update to its inbox and the database refused."""
    deadline = time.monotonic() + WAIT
    while "writing updates to the inbox failed" not in bot.log_text():
        assert time.monotonic() < deadline, "the bot never tried to write the inbox"
        time.sleep(0.05)


OUTAGE_ACTIONS = ["/add omega, fin", "/review", "/export", "grade"]
# What each action shows once the database is back (SPEC §7.1: nothing is lost meanwhile).
SHOWN_AFTER = {
    "/add omega, fin": lambda m: m.text == "Imported 1 new pairs, updated 0, skipped 0 rows.",
    "/review": lambda m: m.has_keyboard and "Card 2 of 3" in m.text,
    "/export": lambda m: m.document,
    "grade": lambda m: m.text.endswith("→ Easy") and not m.has_keyboard,
}


@pytest.mark.parametrize("action", OUTAGE_ACTIONS)
def test_an_action_during_an_outage_waits_unconfirmed_and_is_applied_once_it_is_back(
    emulator, bot, admin, schema, proxy, training, action
):
    """The inbox cannot be written, so the update is not confirmed: Telegram keeps it, the
    user sees nothing half-done, and once the database is back it is applied once."""
    chat, current = training
    before = rows(admin, schema)
    outage = chat.mark()
    proxy.refuse(True)
    proxy.break_connections()

    act(chat, current, action)
    wait_for_refused_inbox_write(bot)
    assert emulator.pending_updates(), "an update the inbox did not take was confirmed"
    assert bot.process.poll() is None, "the bot died during the outage"
    assert [m for m in chat.history() if m.seq > outage] == []
    assert rows(admin, schema) == before

    proxy.refuse(False)
    chat.wait_for_message(predicate=SHOWN_AFTER[action], since=outage, timeout=WAIT)
    bot.wait_until_idle()
    pairs, _ = rows(admin, schema)
    if action == "grade":
        assert pairs[word_of(current)][1:5] == easy_on_new(pairs[word_of(current)])
    assert ("omega" in pairs) is (action == "/add omega, fin")
    assert SORRY not in [m.text for m in chat.history()]


def test_a_database_restart_between_actions_goes_unnoticed(
    emulator, bot, admin, schema, proxy, training
):
    """Every pooled connection dies (the server restarted) but new ones work: the next
    action checks its connection, finds it dead, takes a new one and succeeds."""
    chat, current = training
    proxy.break_connections()
    edited, _ = grade(chat, current, "Easy")
    assert edited.text.endswith("→ Easy")
    bot.wait_until_idle()
    pairs, _ = rows(admin, schema)
    assert pairs[word_of(current)][1:5] == easy_on_new(pairs[word_of(current)])
    assert SORRY not in [m.text for m in chat.history()]
    assert SORRY not in [answer.text for answer in chat.callback_answers()]


def test_actions_during_an_outage_are_applied_in_order_once_it_is_back(
    emulator, bot, admin, schema, proxy, training
):
    chat, current = training
    before_pairs, before_sessions = rows(admin, schema)
    outage = chat.mark()
    proxy.refuse(True)
    proxy.break_connections()

    act(chat, current, "grade")
    act(chat, current, "/add delta, cuatro")
    act(chat, current, "/export")
    wait_for_refused_inbox_write(bot)
    assert bot.process.poll() is None, "the bot died during the outage"
    assert [m for m in chat.history() if m.seq > outage] == []
    assert rows(admin, schema) == (before_pairs, before_sessions)
    proxy.refuse(False)

    exported = chat.wait_for_message(predicate=lambda m: m.document, since=outage, timeout=WAIT)
    content = emulator.document_bytes(exported.document["file_id"]).decode("utf-8-sig")
    assert [line.split(",")[0] for line in content.splitlines()] == [
        "alpha",
        "beta",
        "delta",
        "gamma",
    ]  # the export came after the /add, as they were sent
    bot.wait_until_idle()
    assert bot.process.poll() is None

    after_pairs, after_sessions = rows(admin, schema)
    graded = word_of(current)
    assert after_pairs["delta"][:6] == ("cuatro", "new", 0, 0, 0, 0)
    assert after_pairs[graded][1:5] == easy_on_new(after_pairs[graded])
    for word in PAIRS.keys() - {graded}:
        assert after_pairs[word] == before_pairs[word], word
    pair_ids, index, _token, reviewed, kind = before_sessions[0]
    assert [(row[0], row[1], row[3], row[4]) for row in after_sessions] == [
        (pair_ids, index + 1, reviewed + 1, kind)
    ]
    assert SORRY not in [m.text for m in chat.history()]
    with admin.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {schema}.outbox")
        assert cursor.fetchone() == (0,)
