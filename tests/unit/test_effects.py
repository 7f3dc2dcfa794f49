"""Effects as JSON for the outbox: every kind that can be owed comes back equal."""

import json

import pytest

from wordbot.effects import (
    Button,
    EditPrompt,
    RemoveKeyboard,
    SendDocument,
    SendPhoto,
    SendText,
    effect_from_json,
    effect_to_json,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\xff binary \x00"


@pytest.mark.parametrize(
    "effect",
    [
        SendText(1, "<b>hi</b>", ((Button("Go", "x:go:AAAA"),),)),
        SendText(1, "Time to review", ((Button("Good", "t:good:AAAA"),),), broadcast=True),
        EditPrompt(1, 5, "text", None),
        RemoveKeyboard(1, 5),
        SendPhoto(1, PNG, "stats.png", "📊 <b>Your progress</b>"),
        SendPhoto(1, PNG, "stats.png", None),
    ],
)
def test_an_effect_survives_its_json_round_trip(effect):
    stored = json.loads(json.dumps(effect_to_json(effect)))
    assert effect_from_json(stored) == effect


def test_a_photo_is_stored_as_base64_text():
    stored = effect_to_json(SendPhoto(1, PNG, "stats.png"))
    assert stored["photo"] == "iVBORw0KGgoA/yBiaW5hcnkgAA=="
    assert stored["type"] == "send_photo"


def test_a_photos_bytes_stay_out_of_its_repr():
    assert "PNG" not in repr(SendPhoto(1, PNG, "stats.png"))


def test_a_document_goes_through_the_outbox_byte_for_byte():
    document = SendDocument(1, "a.csv", b"\xef\xbb\xbfa,b\r\n", "2 pairs")
    assert effect_from_json(json.loads(json.dumps(effect_to_json(document)))) == document


def test_a_reply_is_stored_without_the_broadcast_marker():
    assert "broadcast" not in effect_to_json(SendText(1, "hi"))


def test_a_row_written_before_the_marker_is_read_as_a_reply():
    row = {"type": "send_text", "chat_id": 1, "text": "hi", "keyboard": None}
    assert effect_from_json(row) == SendText(1, "hi", None, broadcast=False)


@pytest.mark.parametrize("marker", ["yes", 1, "true", None, [True]])
def test_only_a_true_marker_makes_a_stored_message_a_broadcast(marker):
    row = {"type": "send_text", "chat_id": 1, "text": "hi", "keyboard": None, "broadcast": marker}
    assert effect_from_json(row).broadcast is False
