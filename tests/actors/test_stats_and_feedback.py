"""/stats, the streak line, /feedback, /admin, the import gate and the counters, in the
UserSession actor with an injected clock and a recording outbound (SPEC §14, §16, §7.6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from actors.messages import HandleUpdate, SessionKey
from actors.services import Services
from actors.user_session import UserSession
from storage.models import ReviewLog, WordPair
from tests.support.updates import UserUpdates, next_id, sent_prompts
from wordbot.clock import FakeClock
from wordbot.config import AdminSettings, Settings
from wordbot.effects import SendPhoto, SendText
from wordbot.import_gate import ImportGate
from wordbot.metrics import Metrics
from wordbot.rendering.vocabulary import unknown_command
from wordbot.transport.updates import TextMessage

USER, OTHER, ADMIN = 5101, 5102, 5199
START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def metrics():
    return Metrics()


@pytest.fixture
def services(clock, outbound, metrics):
    settings = Settings(admin=AdminSettings(ids=(ADMIN,)))
    return Services(settings, clock, outbound, metrics=metrics)


def actor_for(user_id, services):
    return UserSession(SessionKey(user_id, user_id), services)


def send(actor, incoming, received_at=None):
    actor.on_receive(HandleUpdate(actor.key, incoming, received_at=received_at))


def photos(outbound, chat_id):
    return [e for e in outbound.effects if isinstance(e, SendPhoto) and e.chat_id == chat_id]


def grade_all(actor, outbound, user_id):
    updates = UserUpdates(user_id)
    send(actor, updates.command("review"))
    while True:
        pending = [p for p in sent_prompts(outbound) if p[1].chat_id == user_id]
        message_id, prompt = pending[-1]
        before = len(outbound.effects)
        button = next(b for b in prompt.keyboard[0] if b.data.split(":")[1] == "good")
        send(actor, updates.press(message_id, button.data))
        new = outbound.effects[before:]
        if not any(isinstance(e, SendText) and _grades(e.keyboard) for e in new):
            return new  # no next prompt: the session is over ("Well done" carries only Undo)


def _grades(keyboard) -> bool:
    return bool(keyboard) and any(":good:" in b.data for row in keyboard for b in row)


def log_reviews(user_id, days_ago):
    pair = WordPair.select().where(WordPair.user == user_id).first()
    for days in days_ago:
        ReviewLog.create(
            user=user_id,
            pair=pair.id,
            rating=3,
            reviewed_at=START - timedelta(days=days),
            state_before="review",
            elapsed_days=1,
            scheduled_days=1,
            scheduler="sm2",
        )


# --- /stats -----------------------------------------------------------------------------------


def test_stats_without_pairs_is_a_short_text_and_no_picture(db, services, outbound):
    actor = actor_for(USER, services)
    send(actor, UserUpdates(USER).command("stats"))
    assert photos(outbound, USER) == []
    assert outbound.texts(USER) == [
        "No words yet, so no statistics. Send a pair like <code>house, casa</code>"
        " and come back after a few reviews."
    ]


def test_stats_sends_one_png_whose_caption_agrees_with_the_grades(db, services, outbound):
    actor = actor_for(USER, services)
    send(actor, UserUpdates(USER).command("add", "a, b\nc, d\ne, f"))
    log_reviews(USER, [0, 0, 1])  # what the FSRS wiring writes for each grade
    send(actor, UserUpdates(USER).command("stats"))
    (photo,) = photos(outbound, USER)
    assert photo.photo.startswith(PNG_MAGIC) and photo.file_name == "stats.png"
    assert "Words: <b>3</b> — new 3 · learning 0 · review 0 · suspended 0" in photo.caption
    assert "Reviews today: <b>2</b>" in photo.caption
    assert "Streak: 2 days · best: 2 days" in photo.caption
    assert "True retention, 30 days: <b>100%</b> of 3 reviews" in photo.caption
    assert len(photo.caption) <= 1024


def test_the_picture_is_drawn_and_sent_by_the_picture_worker(db, clock, outbound):
    jobs = []

    class Worker:
        def submit(self, job):
            jobs.append(job)

    services = Services(Settings(), clock, outbound, pictures=Worker())
    actor = actor_for(USER, services)
    send(actor, UserUpdates(USER).command("add", "a, b"))
    send(actor, UserUpdates(USER).command("stats"))
    assert photos(outbound, USER) == []  # nothing drawn on the actor's thread
    (job,) = jobs
    job()
    (photo,) = photos(outbound, USER)
    assert photo.caption.startswith("📊 <b>Your progress</b>\nWords: <b>1</b>")


def test_another_users_stats_never_show_mine(db, services, outbound):
    mine = actor_for(USER, services)
    send(mine, UserUpdates(USER).command("add", "a, b\nc, d"))
    other = actor_for(OTHER, services)
    send(other, UserUpdates(OTHER).command("add", "x, y"))
    send(other, UserUpdates(OTHER).command("stats"))
    (photo,) = photos(outbound, OTHER)
    assert "Words: <b>1</b>" in photo.caption and photos(outbound, USER) == []


# --- the streak after a finished session ------------------------------------------------------


def test_well_done_is_followed_by_the_streak_when_it_is_two_days_or_more(db, services, outbound):
    actor = actor_for(USER, services)
    send(actor, UserUpdates(USER).command("add", "a, b\nc, d"))
    log_reviews(USER, [1, 2])
    finished = grade_all(actor, outbound, USER)
    (done,) = [e.text for e in finished if isinstance(e, SendText) and "Well done" in e.text]
    assert done == "Well done reviewing 2 cards.\n🔥 3 days in a row"


def test_a_first_day_has_no_streak_line(db, services, outbound):
    actor = actor_for(USER, services)
    send(actor, UserUpdates(USER).command("add", "a, b\nc, d"))
    log_reviews(USER, [2])  # the day before yesterday: the streak was broken
    finished = grade_all(actor, outbound, USER)
    (done,) = [e.text for e in finished if isinstance(e, SendText) and "Well done" in e.text]
    assert done == "Well done reviewing 2 cards."


# --- counters ---------------------------------------------------------------------------------


def test_handling_and_grades_move_the_counters(db, services, outbound, metrics, clock):
    actor = actor_for(USER, services)
    send(actor, UserUpdates(USER).command("add", "a, b\nc, d"), received_at=clock.now())
    grade_all(actor, outbound, USER)
    sample = metrics.registry.get_sample_value
    assert sample("wordbot_grades_total", {"rating": "good"}) == 2
    assert sample("wordbot_updates_handled_total") == 4
    assert sample("wordbot_update_handling_seconds_count") == 1


# --- /feedback and /admin ---------------------------------------------------------------------


def named_command(user_id, name, args=""):
    return (
        UserUpdates(user_id)
        .command(name, args)
        .__class__(
            next_id(),
            user_id,
            user_id,
            "private",
            next_id(),
            name,
            args,
            None,
            sender_name="Ada <b> (@ada)",
        )
    )


def test_feedback_text_reaches_each_admin_with_name_and_id(db, services, outbound):
    actor = actor_for(USER, services)
    send(actor, named_command(USER, "feedback", "The <game> is great"))
    (to_admin,) = outbound.texts(ADMIN)
    assert to_admin.startswith(f"💬 Feedback from Ada &lt;b&gt; (@ada) (id {USER}) #id{USER}")
    assert "The &lt;game&gt; is great" in to_admin
    assert outbound.texts(USER) == ["Thank you! Your message went to the bot's team."]


def test_feedback_alone_takes_the_next_message_within_five_minutes(db, services, outbound, clock):
    actor = actor_for(USER, services)
    updates = UserUpdates(USER)
    send(actor, updates.command("feedback"))
    clock.advance(timedelta(minutes=4))
    send(actor, updates.text("Please add audio"))
    assert len(outbound.texts(ADMIN)) == 1 and "Please add audio" in outbound.texts(ADMIN)[0]
    send(actor, updates.command("feedback"))
    clock.advance(timedelta(minutes=6))
    send(actor, updates.text("too late"))
    assert len(outbound.texts(ADMIN)) == 1


def test_an_admins_reply_goes_back_to_the_user(db, services, outbound):
    send(actor_for(USER, services), named_command(USER, "feedback", "hi"))
    (forwarded,) = outbound.texts(ADMIN)
    admin = actor_for(ADMIN, services)
    reply = TextMessage(
        next_id(),
        ADMIN,
        ADMIN,
        "private",
        next_id(),
        "Thanks <3",
        reply_to_message_id=500,
        reply_to_bot_text=forwarded,
    )
    send(admin, reply)
    assert outbound.texts(USER)[-1] == "📨 The bot's team answered:\n\nThanks &lt;3"
    assert outbound.texts(ADMIN)[-1] == f"Sent to {USER}."


def test_a_non_admin_reply_with_a_marker_goes_nowhere(db, services, outbound):
    forged = f"💬 Feedback from X (id {OTHER}) #id{OTHER}"
    reply = TextMessage(
        next_id(),
        USER,
        USER,
        "private",
        next_id(),
        "spam",
        reply_to_message_id=7,
        reply_to_bot_text=forged,
    )
    send(actor_for(USER, services), reply)
    assert outbound.texts(OTHER) == []


def test_admin_shows_counts_to_admins_and_unknown_command_to_others(db, services, outbound):
    send(actor_for(USER, services), UserUpdates(USER).command("add", "a, b"))
    send(actor_for(USER, services), UserUpdates(USER).command("admin"))
    assert outbound.texts(USER)[-1] == unknown_command("admin")
    admin = actor_for(ADMIN, services)
    send(admin, UserUpdates(ADMIN).command("help"))
    send(admin, UserUpdates(ADMIN).command("admin"))
    report = outbound.texts(ADMIN)[-1]
    assert report.startswith("<b>WordBot ")
    assert "Users: 2" in report and "Active today: 2 · last 7 days: 2" in report
    assert "Inbox: 0 · outbox: 0" in report


# --- the import gate --------------------------------------------------------------------------


def test_a_third_file_import_at_once_is_told_to_wait_and_the_slot_comes_back(db, clock, outbound):
    gate = ImportGate(limit=2)
    services = Services(Settings(), clock, outbound, import_gate=gate)
    outbound.files["f1"] = b"a,b\nc,d\n"
    actor = actor_for(USER, services)
    updates = UserUpdates(USER)
    assert gate.try_acquire() and gate.try_acquire()  # two imports running elsewhere
    send(actor, updates.document("f1", "words.csv", 8))
    assert outbound.texts(USER)[-1] == (
        "Other imports are running right now. Please send the file again in a minute."
    )
    gate.release()
    send(actor, updates.document("f1", "words.csv", 8))
    assert outbound.texts(USER)[-1].startswith("Imported 2 new pairs")
    assert gate.try_acquire()  # the import gave its slot back
    assert not gate.try_acquire()


def test_a_failed_import_gives_its_slot_back(db, clock, outbound):
    gate = ImportGate(limit=1)
    services = Services(Settings(), clock, outbound, import_gate=gate)
    outbound.files["bad"] = b"\x00\x01"
    actor = actor_for(USER, services)
    send(actor, UserUpdates(USER).document("bad", "words.csv", 2))
    assert gate.try_acquire()
