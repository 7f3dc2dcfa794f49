"""The outbox on SQLite and PostgreSQL: effects come back in order, per chat, until marked sent."""

from datetime import UTC, datetime

from storage.outbox import add_to_outbox, keys_with_unsent, mark_sent, unsent_for
from wordbot.effects import Button, EditPrompt, RemoveKeyboard, SendText

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def test_effects_round_trip_in_order_until_sent(db):
    effects = [
        EditPrompt(7, 70, "house → <tg-spoiler>casa</tg-spoiler>\n→ Good", None),
        SendText(7, "Well done reviewing 5 cards.", ((Button("Again", "tr:again:AAAAAAAA"),),)),
        RemoveKeyboard(7, 71),
    ]
    add_to_outbox(7, 7, effects, NOW)
    add_to_outbox(8, 8, [SendText(8, "other")], NOW)
    owed = unsent_for(7, 7)
    assert [effect for _, effect in owed] == effects
    assert sorted(keys_with_unsent()) == [(7, 7), (8, 8)]
    mark_sent([owed[0][0]])
    assert [effect for _, effect in unsent_for(7, 7)] == effects[1:]
    mark_sent([])
    mark_sent([entry_id for entry_id, _ in unsent_for(7, 7)])
    assert keys_with_unsent() == [(8, 8)]
