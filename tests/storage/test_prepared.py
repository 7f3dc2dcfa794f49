"""Prepared statements on SQLite and PostgreSQL: compiled once, run with fresh values."""

import json
from datetime import UTC, datetime, timedelta

from storage.models import Outbox
from storage.outbox import add_to_outbox, mark_sent, unsent_for
from storage.prepared import Prepared, slot
from wordbot.effects import Button, SendText

NOW = datetime(2026, 4, 2, 8, 30, tzinfo=UTC)


def test_a_statement_is_compiled_once_and_runs_with_each_runs_values(db):
    builds = []

    def build():
        builds.append(1)
        return Outbox.insert(
            {
                Outbox.chat_id: slot("chat_id"),
                Outbox.user_id: slot("chat_id"),
                Outbox.effect: slot("effect", json.dumps),
                Outbox.created_at: slot("at", Outbox.created_at),
            }
        ).returning()

    insert = Prepared(build)
    insert.execute(chat_id=1, effect={"n": 1}, at=NOW)
    insert.execute(chat_id=2, effect={"n": [2, "ü"]}, at=NOW + timedelta(hours=1))
    assert len(builds) == 1
    rows = list(Outbox.select().order_by(Outbox.id).tuples())
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        (1, 1, {"n": 1}, NOW),
        (2, 2, {"n": [2, "ü"]}, NOW + timedelta(hours=1)),
    ]


def test_the_outbox_round_trip_through_prepared_statements(db):
    effect = SendText(7, "a <b>b</b>", ((Button("Good", "tr:good:x"),),))
    add_to_outbox(7, 7, [effect, SendText(7, "two")], NOW)
    owed = unsent_for(7, 7)
    assert [e for _, e in owed] == [effect, SendText(7, "two")]
    mark_sent([owed[0][0]])
    assert [e for _, e in unsent_for(7, 7)] == [SendText(7, "two")]
