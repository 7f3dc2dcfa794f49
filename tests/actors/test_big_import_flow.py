"""A big import in the UserSession actor (SPEC §3.2, §7.6): staged a chunk per transaction
before its decision, applied by the unit of work at once, exact counts, nothing visible before
that commit, and another user's grade not held up for the whole import."""

from __future__ import annotations

import random

import pykka
import pytest

from actors.messages import HandleUpdate, SessionKey
from actors.services import Services
from actors.user_session import UserSession
from storage import import_staging, vocabulary
from storage.models import ImportStaging, ReviewLog, WordPair
from tests.support.outbound import RecordingOutbound
from tests.support.updates import UserUpdates, sent_prompts
from wordbot.benchmarks.seed import seed_new_pairs
from wordbot.config import Settings
from wordbot.decide.vocabulary import STAGED_IMPORT_ABOVE
from wordbot.domain.csv_export import export_csv
from wordbot.domain.pairs import MAX_IMPORT_ROWS, MAX_PAIRS_PER_USER, PairInput

USER = 91
OTHER = 92
KEY = SessionKey(USER, USER)
OTHER_KEY = SessionKey(OTHER, OTHER)
_user = UserUpdates(USER)
_other = UserUpdates(OTHER)
WAIT_SECONDS = 60  # a guard against a hang, never a measure: the grade either completes or not


@pytest.fixture
def actor(db, clock, outbound):
    return UserSession(KEY, Services(Settings(), clock, outbound))


@pytest.fixture
def chunks(monkeypatch):
    """Every staging transaction, in order, with the number of rows it wrote."""
    written: list[int] = []
    original = import_staging._stage_chunk

    def counted(rows):
        original(rows)
        written.append(len(rows))

    monkeypatch.setattr(import_staging, "_stage_chunk", counted)
    return written


def send(actor, incoming):
    actor.on_receive(HandleUpdate(KEY, incoming))


def import_file(actor, outbound, pairs, file_id="big"):
    outbound.files[file_id] = export_csv(pairs)
    send(actor, _user.document(file_id, f"{file_id}.csv", None))
    return outbound.texts()[-1]


def words(count, suffix=""):
    return [(f"word {n}", f"slovo {n}{suffix}") for n in range(count)]


def test_a_20000_row_file_imports_exactly_in_short_staging_transactions(actor, outbound, chunks):
    pairs = words(MAX_IMPORT_ROWS)
    summary = import_file(actor, outbound, pairs)
    assert summary == "Imported 20000 new pairs, updated 0, skipped 0 rows."
    assert chunks == [import_staging.STAGE_CHUNK] * (MAX_IMPORT_ROWS // import_staging.STAGE_CHUNK)
    assert vocabulary.list_pairs_for_export(USER) == sorted(pairs)
    assert ImportStaging.select().count() == 0  # discarded once applied
    keys = WordPair.get(WordPair.word1 == "word 7")
    assert (keys.word1_key, keys.word2_key, keys.state) == ("word 7", "slovo 7", "new")

    # again with every other translation changed: only the changed half is staged
    chunks.clear()
    changed = [(w1, w2 + "!" if n % 2 else w2) for n, (w1, w2) in enumerate(pairs)]
    summary = import_file(actor, outbound, changed, "again")
    assert summary.startswith("Imported 0 new pairs, updated 10000, skipped 0 rows.")
    assert "10000 pairs were already there unchanged" in summary.replace(",", "")
    assert sum(chunks) == 10_000
    assert vocabulary.list_pairs_for_export(USER) == sorted(changed)
    assert ImportStaging.select().count() == 0


def test_a_small_import_is_written_by_the_unit_of_work_alone(actor, outbound, chunks):
    summary = import_file(actor, outbound, words(STAGED_IMPORT_ABOVE))
    assert summary.startswith(f"Imported {STAGED_IMPORT_ABOVE} new pairs")
    assert chunks == []
    assert vocabulary.count_pairs(USER) == STAGED_IMPORT_ABOVE


def test_a_refused_big_import_stages_nothing_and_writes_nothing(actor, outbound, chunks):
    send(actor, _user.command("start"))
    have = [(f"have {n}", "x") for n in range(MAX_PAIRS_PER_USER - 600)]
    seed_new_pairs(USER, have, actor._services.clock.now())
    summary = import_file(actor, outbound, words(601))
    assert "20000" in summary.replace(",", "") and "Imported" not in summary
    assert chunks == []
    assert vocabulary.count_pairs(USER) == MAX_PAIRS_PER_USER - 600


def test_a_staging_cut_short_applies_nothing_and_leaves_no_rows(
    actor, outbound, chunks, monkeypatch
):
    """A cleanup (or anything) removing staged rows before the apply: the unit of work refuses
    the whole import, the user is told, and the rest of the staging is discarded."""
    original = import_staging._stage_chunk

    def then_lose_a_row(rows):
        original(rows)
        if len(chunks) == 1:  # after the first chunk: one of its rows disappears
            ImportStaging.delete().where(
                ImportStaging.word1 == rows[0][ImportStaging.word1]
            ).execute()
        chunks.append(len(rows))

    monkeypatch.setattr(import_staging, "_stage_chunk", then_lose_a_row)
    summary = import_file(actor, outbound, words(1200))
    assert "went wrong" in summary
    assert vocabulary.count_pairs(USER) == 0
    assert ImportStaging.select().count() == 0


def test_another_users_grade_completes_between_staging_chunks(db, clock, outbound, monkeypatch):
    """Proof by order, not by time: the other user's grade is handled by its own actor thread
    while this import is still staging. Were the import one long transaction, the grade would
    wait for the writer until the import committed, and the wait below would never end."""
    other_outbound = RecordingOutbound()
    other = UserSession.start(OTHER_KEY, Services(Settings(), clock, other_outbound))
    try:

        def handled(incoming):
            done = pykka.ThreadingFuture()
            other.tell(HandleUpdate(OTHER_KEY, incoming, completion=done))
            done.get(timeout=WAIT_SECONDS)

        handled(_other.command("add", "house, casa"))
        handled(_other.command("review"))
        message_id, prompt = sent_prompts(other_outbound)[-1]
        good = next(b for b in prompt.keyboard[0] if b.data.split(":")[1] == "good")

        events: list[str] = []
        original = import_staging._stage_chunk

        def staged_then_let_the_other_grade(rows):
            original(rows)
            events.append("chunk")
            if len(events) == 1:
                handled(_other.press(message_id, good.data))
                graded = ReviewLog.select().where(ReviewLog.user == OTHER).count()
                visible = vocabulary.count_pairs(USER)
                events.append(f"other graded: {graded} review, {visible} of mine visible")

        monkeypatch.setattr(import_staging, "_stage_chunk", staged_then_let_the_other_grade)
        actor = UserSession(KEY, Services(Settings(), clock, outbound))
        summary = import_file(actor, outbound, words(MAX_IMPORT_ROWS))
    finally:
        other.stop()

    assert events[:3] == ["chunk", "other graded: 1 review, 0 of mine visible", "chunk"]
    assert events.count("chunk") == MAX_IMPORT_ROWS // import_staging.STAGE_CHUNK
    assert summary == "Imported 20000 new pairs, updated 0, skipped 0 rows."
    assert vocabulary.count_pairs(USER) == MAX_IMPORT_ROWS
    house = WordPair.get((WordPair.user == OTHER) & (WordPair.word1 == "house"))
    assert house.state == "learning" and house.last_reviewed_at == clock.now()


def test_cleanup_and_start_up_delete_staging_left_by_a_crash(db, clock):
    """A crash while staging leaves only staging rows: none of them is ever a pair. The
    scheduler's cleanup deletes those older than ABANDONED_AFTER, start-up deletes all."""
    from actors.messages import Cleanup
    from actors.scheduler import Scheduler
    from wordbot.app import Application

    class Supervisor:
        def tell(self, message):
            pass

    rng = random.Random(5)
    crashed = import_staging.stage_pairs(USER, _few(30), clock.now(), rng)
    clock.advance(minutes=30)
    running = import_staging.stage_pairs(OTHER, _few(20), clock.now(), rng)
    scheduler = Scheduler(Services(Settings(), clock, outbound=None), Supervisor())
    scheduler.on_receive(Cleanup(clock.now()))
    assert import_staging.staged_count(USER, crashed.import_id) == 30  # 30 minutes: may run
    clock.advance(minutes=31)
    scheduler.on_receive(Cleanup(clock.now()))
    assert import_staging.staged_count(USER, crashed.import_id) == 0
    assert import_staging.staged_count(OTHER, running.import_id) == 20
    Application._discard_abandoned_imports()
    assert ImportStaging.select().count() == 0
    assert vocabulary.count_pairs(USER) == vocabulary.count_pairs(OTHER) == 0


def _few(count):
    return [PairInput(f"w{n}", f"v{n}") for n in range(count)]
