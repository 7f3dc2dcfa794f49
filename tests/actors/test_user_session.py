"""The UserSession actor driven synchronously (no thread): vocabulary flows end to end in storage."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from actors.messages import HandleUpdate, SessionKey
from actors.services import Services
from actors.user_session import UserSession
from storage import vocabulary
from storage.models import User, WordPair
from tests.support.updates import UserUpdates
from wordbot.config import Settings
from wordbot.domain.csv_export import export_csv
from wordbot.effects import AnswerCallback, EditPrompt, SendDocument, SendText
from wordbot.transport.updates import (
    DocumentMessage,
    OtherMessage,
)

USER = 42
KEY = SessionKey(USER, USER)
_ids = itertools.count(1)
_user = UserUpdates(USER)
command = _user.command
text = _user.text
press = _user.press


@pytest.fixture
def actor(db, clock, outbound):
    return UserSession(KEY, Services(Settings(), clock, outbound))


def send(actor, incoming):
    actor.on_receive(HandleUpdate(KEY, incoming))


def document(file_id, name="words.csv", size=None):
    return DocumentMessage(next(_ids), USER, USER, "private", next(_ids), file_id, name, None, size)


def test_start_creates_the_learner_and_welcomes(actor, outbound):
    send(actor, command("start"))
    assert User.get_by_id(USER).cards_per_session == 5
    assert "/add" in outbound.texts()[-1]


def test_add_with_lines_imports_them(actor, outbound):
    send(actor, command("add", "house, casa\ndog; perro\nbad"))
    assert outbound.texts()[-1] == "Imported 2 new pairs, updated 0, skipped 1 rows."
    assert vocabulary.list_pairs_for_export(USER) == [("dog", "perro"), ("house", "casa")]


def test_bare_add_takes_the_next_text_within_five_minutes(actor, outbound, clock):
    send(actor, command("add"))
    assert "next message" in outbound.texts()[-1]
    clock.advance(minutes=4)
    send(actor, text("cat, gato"))
    assert outbound.texts()[-1].startswith("Imported 1 new pairs")
    send(actor, text("owl, buho"))
    assert "/add" in outbound.texts()[-1]
    assert vocabulary.count_pairs(USER) == 1


def test_bare_add_expires_after_five_minutes(actor, outbound, clock):
    send(actor, command("add"))
    clock.advance(minutes=5, seconds=1)
    send(actor, text("cat, gato"))
    assert vocabulary.count_pairs(USER) == 0


def test_pending_add_survives_a_new_actor(db, clock, outbound):
    UserSession(KEY, Services(Settings(), clock, outbound)).on_receive(
        HandleUpdate(KEY, command("add"))
    )
    fresh = UserSession(KEY, Services(Settings(), clock, outbound))
    send(fresh, text("cat, gato"))
    assert vocabulary.count_pairs(USER) == 1


def test_another_command_cancels_a_pending_add(actor, outbound):
    send(actor, command("add"))
    send(actor, command("help"))
    send(actor, text("cat, gato"))
    assert vocabulary.count_pairs(USER) == 0


def test_document_import_and_export_round_trip(actor, outbound):
    pairs = [("<b>&_*[", 'x, "y"'), ("Straße", "улица"), ("a;b", "c\td")]
    outbound.files["f1"] = export_csv(pairs)
    send(actor, document("f1"))
    assert outbound.texts()[-1] == "Imported 3 new pairs, updated 0, skipped 0 rows."
    send(actor, command("export"))
    exported = outbound.effects[-1]
    assert isinstance(exported, SendDocument)
    assert exported.file_name.startswith("vocabulary-") and exported.file_name.endswith(".csv")
    assert exported.content == export_csv(sorted(pairs))


def test_unsupported_and_oversized_documents_are_refused_without_download(actor, outbound):
    send(actor, document("img", name="photo.jpg"))
    assert ".csv" in outbound.texts()[-1]
    send(actor, document("big", size=6 * 1024 * 1024))
    assert "5 MB" in outbound.texts()[-1]
    assert vocabulary.count_pairs(USER) == 0


def test_binary_document_writes_nothing(actor, outbound):
    outbound.files["bin"] = bytes(range(256)) * 10
    send(actor, document("bin"))
    assert "Nothing was saved" in outbound.texts()[-1]
    assert vocabulary.count_pairs(USER) == 0


def test_export_with_no_pairs(actor, outbound):
    send(actor, command("export"))
    assert outbound.texts()[-1] == "You have no vocabulary to export."


def _clear_prompt(outbound):
    prompt = [e for e in outbound.effects if isinstance(e, SendText) and e.keyboard][-1]
    yes, no = prompt.keyboard[0]
    return prompt, yes.data, no.data


def test_clear_asks_then_deletes_on_confirm(actor, outbound):
    send(actor, command("add", "house, casa\ndog, perro"))
    send(actor, command("clear"))
    message_id = User.get_by_id(USER).confirm_message_id
    _, yes, _ = _clear_prompt(outbound)
    send(actor, press(message_id, yes))
    assert vocabulary.count_pairs(USER) == 0
    edit = [e for e in outbound.effects if isinstance(e, EditPrompt)][-1]
    assert edit.message_id == message_id and edit.keyboard is None
    assert "Deleted 2" in edit.text


def test_clear_cancel_keeps_everything(actor, outbound):
    send(actor, command("add", "house, casa"))
    send(actor, command("clear"))
    message_id = User.get_by_id(USER).confirm_message_id
    _, _, no = _clear_prompt(outbound)
    send(actor, press(message_id, no))
    assert vocabulary.count_pairs(USER) == 1
    assert (
        "Nothing was deleted" in [e for e in outbound.effects if isinstance(e, EditPrompt)][-1].text
    )


@pytest.mark.parametrize(
    "data_for",
    [
        lambda yes: yes.replace("yes", "no") + "x",  # forged token
        lambda yes: "clr:yes:AAAAAAAA",  # a guessed token
        lambda yes: "garbage",
        lambda yes: "",
        lambda yes: "x" * 300,
    ],
)
def test_forged_or_stale_clear_presses_change_nothing(actor, outbound, data_for):
    send(actor, command("add", "house, casa"))
    send(actor, command("clear"))
    message_id = User.get_by_id(USER).confirm_message_id
    _, yes, _ = _clear_prompt(outbound)
    send(actor, press(message_id, data_for(yes)))
    assert vocabulary.count_pairs(USER) == 1
    answer = outbound.effects[-1]
    assert isinstance(answer, AnswerCallback) and answer.text == "This button is no longer active."


def test_confirm_on_an_old_message_is_stale(actor, outbound):
    send(actor, command("add", "house, casa"))
    send(actor, command("clear"))
    old_message = User.get_by_id(USER).confirm_message_id
    _, old_yes, _ = _clear_prompt(outbound)
    send(actor, command("clear"))
    send(actor, press(old_message, old_yes))
    assert vocabulary.count_pairs(USER) == 1


def test_replayed_confirm_applies_once(actor, outbound):
    send(actor, command("add", "house, casa"))
    send(actor, command("clear"))
    message_id = User.get_by_id(USER).confirm_message_id
    _, yes, _ = _clear_prompt(outbound)
    send(actor, press(message_id, yes))
    send(actor, command("add", "cat, gato"))
    send(actor, press(message_id, yes))
    assert vocabulary.count_pairs(USER) == 1


def test_unknown_command_and_stickers_get_a_short_reply(actor, outbound):
    send(actor, command("frobnicate"))
    assert "/frobnicate" in outbound.texts()[-1]
    send(actor, OtherMessage(next(_ids), USER, USER, "private", next(_ids), "sticker"))
    assert "/help" in outbound.texts()[-1]


def test_a_failure_is_reported_to_the_user_and_the_actor_lives_on(actor, outbound, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(vocabulary, "upsert_pairs", broken)
    send(actor, command("add", "house, casa"))
    assert outbound.texts()[-1] == "Something went wrong, please try again."
    monkeypatch.undo()
    send(actor, command("add", "house, casa"))
    assert outbound.texts()[-1].startswith("Imported 1 new pairs")


def test_long_words_are_skipped_and_html_round_trips(actor, outbound):
    send(actor, command("add", f"{'a' * 300}, b\n<b>&_*[, <i>"))
    assert outbound.texts()[-1] == "Imported 1 new pairs, updated 0, skipped 1 rows."
    assert WordPair.get().word1 == "<b>&_*["


def test_pending_input_timestamp_uses_the_injected_clock(actor, clock):
    send(actor, command("add"))
    assert User.get_by_id(USER).pending_input_until == clock.now() + timedelta(minutes=5)
