"""What a handler wants done on Telegram, as data; the Sender performs it."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

__all__ = [
    "AnswerCallback",
    "Button",
    "Delivery",
    "EditPrompt",
    "Effect",
    "Keyboard",
    "RemoveKeyboard",
    "SendDocument",
    "SendPhoto",
    "SendText",
    "effect_from_json",
    "effect_to_json",
]


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class SendText:
    """Send an HTML message; texts over Telegram's limit are split, the keyboard goes on the last part.

    `broadcast` marks a message the bot sends on its own, not in reply to the user (a reminder):
    with `telegram.paid_broadcast` on it goes with `allow_paid_broadcast` on its own pace, and
    it never holds up a reply."""

    chat_id: int
    text: str
    keyboard: Keyboard | None = None
    broadcast: bool = False


@dataclass(frozen=True, slots=True)
class EditPrompt:
    """Replace a message's text; `keyboard=None` removes its buttons."""

    chat_id: int
    message_id: int
    text: str
    keyboard: Keyboard | None = None


@dataclass(frozen=True, slots=True)
class RemoveKeyboard:
    chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class AnswerCallback:
    callback_query_id: str
    text: str | None = None


@dataclass(frozen=True, slots=True)
class SendDocument:
    chat_id: int
    file_name: str
    content: bytes = field(repr=False)
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class SendPhoto:
    """Send a picture (PNG or JPEG) with an optional HTML caption of at most 1024 characters."""

    chat_id: int
    photo: bytes = field(repr=False)
    file_name: str = "photo.png"
    caption: str | None = None


Effect = SendText | EditPrompt | RemoveKeyboard | AnswerCallback | SendDocument | SendPhoto


@dataclass(frozen=True, slots=True)
class Delivery:
    """The outcome of one effect: the new message's id when one was sent."""

    ok: bool
    message_id: int | None = None
    error: str | None = None
    transient: bool = False  # failed for now (outage, rate limit): worth trying again later
    blocked: bool = False  # 403 "bot was blocked by the user" (SPEC §7.6)


def effect_to_json(effect: Effect) -> dict:
    """A JSON-safe form of a message effect, for the transactional outbox (SPEC §6.2)."""
    match effect:
        case SendText(chat_id, text, keyboard, broadcast):
            data = {
                "type": "send_text",
                "chat_id": chat_id,
                "text": text,
                "keyboard": _kb(keyboard),
            }
            if broadcast:
                data["broadcast"] = True  # absent on replies, as on rows written before it
            return data
        case EditPrompt(chat_id, message_id, text, keyboard):
            return {
                "type": "edit_prompt",
                "chat_id": chat_id,
                "message_id": message_id,
                "text": text,
                "keyboard": _kb(keyboard),
            }
        case RemoveKeyboard(chat_id, message_id):
            return {"type": "remove_keyboard", "chat_id": chat_id, "message_id": message_id}
        case SendPhoto(chat_id, photo, file_name, caption):
            return {
                "type": "send_photo",
                "chat_id": chat_id,
                "photo": base64.b64encode(photo).decode("ascii"),
                "file_name": file_name,
                "caption": caption,
            }
        case SendDocument(chat_id, file_name, content, caption):
            return {
                "type": "send_document",
                "chat_id": chat_id,
                "file_name": file_name,
                "content": base64.b64encode(content).decode("ascii"),
                "caption": caption,
            }
    raise TypeError(f"{type(effect).__name__} cannot go through the outbox")


def effect_from_json(data: dict) -> Effect:
    keyboard = _kb_back(data.get("keyboard"))
    match data["type"]:
        case "send_text":
            broadcast = data.get("broadcast") is True
            return SendText(data["chat_id"], data["text"], keyboard, broadcast)
        case "edit_prompt":
            return EditPrompt(data["chat_id"], data["message_id"], data["text"], keyboard)
        case "remove_keyboard":
            return RemoveKeyboard(data["chat_id"], data["message_id"])
        case "send_photo":
            photo = base64.b64decode(data["photo"], validate=True)
            return SendPhoto(data["chat_id"], photo, data["file_name"], data.get("caption"))
        case "send_document":
            content = base64.b64decode(data["content"], validate=True)
            return SendDocument(data["chat_id"], data["file_name"], content, data.get("caption"))
    raise ValueError(f"unknown outbox effect {data['type']!r}")


def _kb(keyboard: Keyboard | None) -> list | None:
    if keyboard is None:
        return None
    return [[[button.text, button.data] for button in row] for row in keyboard]


def _kb_back(rows: list | None) -> Keyboard | None:
    if rows is None:
        return None
    return tuple(tuple(Button(text, data) for text, data in row) for row in rows)
