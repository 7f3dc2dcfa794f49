"""What the emulator hands to tests: frozen snapshots of bot messages, calls and callback answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = ["BotMessage", "Button", "Call", "CallbackAnswer"]


class Button(NamedTuple):
    """One inline button; `callback_data` is None for URL (and other non-callback) buttons."""

    text: str
    callback_data: str | None


@dataclass(frozen=True, slots=True)
class BotMessage:
    """A bot message as it was right after one change (`event`: "sent", "edited" or "deleted").

    A snapshot, not a live object: ask the chat again (`last_bot_message()`, `message(id)`) for
    the current state. `text` is the plain text Telegram shows (for a document or a photo: its
    caption, "" when none); `photo` is the API `PhotoSize` array of a photo message; `html` is what the bot sent before parsing. `buttons` are the rows of the
    current inline keyboard, empty when there is none. `seq` orders every change the emulator
    saw (user actions included), so it can be passed as `since=` to the waiting helpers.
    `paid_broadcast` tells whether it was sent with `allow_paid_broadcast`.
    """

    chat_id: int
    message_id: int
    text: str
    html: str
    entities: tuple[dict[str, Any], ...]
    buttons: tuple[tuple[Button, ...], ...]
    reply_markup: dict[str, Any] | None
    document: dict[str, Any] | None
    edit_count: int
    date: int
    seq: int
    event: str
    photo: tuple[dict[str, Any], ...] | None = None
    paid_broadcast: bool = False  # sent with allow_paid_broadcast (Telegram's paid limit)

    @property
    def largest_photo(self) -> dict[str, Any] | None:
        """The biggest size of a photo message (Telegram lists them smallest first)."""
        return self.photo[-1] if self.photo else None

    @property
    def has_keyboard(self) -> bool:
        return any(self.buttons)

    @property
    def edited(self) -> bool:
        return self.edit_count > 0

    def flat_buttons(self) -> list[Button]:
        """All buttons, row by row, in the order a user reads them."""
        return [button for row in self.buttons for button in row]

    def find_button(self, label: str) -> Button | None:
        """The button whose text (first) or callback_data equals `label`, or else whose text
        starts with `label` and " · " (a grade button with its interval: "Good" finds
        "Good · 3d")."""
        buttons = self.flat_buttons()
        for button in buttons:
            if button.text == label:
                return button
        for button in buttons:
            if button.callback_data == label:
                return button
        for button in buttons:
            if button.text.startswith(f"{label} · "):
                return button
        return None

    def spoilers(self) -> list[str]:
        """The texts hidden under spoilers, in order."""
        units = self.text.encode("utf-16-le")
        return [
            units[2 * entity["offset"] : 2 * (entity["offset"] + entity["length"])].decode(
                "utf-16-le"
            )
            for entity in self.entities
            if entity["type"] == "spoiler"
        ]


@dataclass(frozen=True, slots=True)
class Call:
    """One Bot API request as the emulator answered it."""

    index: int
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, int]]  # form field -> (file name, size in bytes)
    time: float  # wall-clock seconds
    status: int
    description: str | None  # the error description when status != 200


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """The bot's answerCallbackQuery for one press."""

    query_id: str
    chat_id: int | None
    message_id: int | None
    user_id: int
    data: str | None
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int
