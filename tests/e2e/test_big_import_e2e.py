"""The real `wordbot run` process: a 20,000-row file is imported exactly through the staging
of SPEC §7.6 (chunks, one final apply), on both backends, and leaves no staging rows."""

from __future__ import annotations

import pytest

from tests.e2e.test_vocabulary_e2e import exported_pairs
from tests.support.databases import BACKENDS
from wordbot.domain.csv_export import export_csv

pytestmark = pytest.mark.e2e

USER = 1003
WAIT = 60.0  # a guard against a hang: 20,000 rows are parsed, staged and applied


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_a_20000_row_file_imports_exactly_and_round_trips(emulator, bot, e2e_database):
    chat = emulator.private_chat(user_id=USER, first_name="Big")
    pairs = sorted((f"word {n:05d}", f"слово {n}, «{n}»") for n in range(20_000))
    since = chat.mark()
    chat.send_document(file_name="big.csv", content=export_csv(pairs), mime_type="text/csv")
    reply = chat.wait_for_message(contains="Imported", timeout=WAIT, since=since)
    assert reply.text == "Imported 20000 new pairs, updated 0, skipped 0 rows."

    since = chat.mark()
    chat.send_text("/export")
    exported = chat.wait_for_message(predicate=lambda m: m.document, timeout=WAIT, since=since)
    assert exported_pairs(emulator, exported) == pairs
    bot.wait_until_idle()
    with e2e_database.connect() as db:
        assert db.execute("select count(*) from word_pairs").fetchone() == (20_000,)
        assert db.execute("select count(*) from import_staging").fetchone() == (0,)
