"""What a handler wants done on Telegram, as data; the Sender performs it."""

from __future__ import annotations

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
    "SendText",
]


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class SendText:
    """Send an HTML message; texts over Telegram's limit are split, the keyboard goes on the last part."""

    chat_id: int
    text: str
    keyboard: Keyboard | None = None


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


Effect = SendText | EditPrompt | RemoveKeyboard | AnswerCallback | SendDocument


@dataclass(frozen=True, slots=True)
class Delivery:
    """The outcome of one effect: the new message's id when one was sent."""

    ok: bool
    message_id: int | None = None
    error: str | None = None
