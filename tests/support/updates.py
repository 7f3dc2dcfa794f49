"""Parsed updates for actor tests, as one user sends them: commands, texts, button presses,
files, anything else. Every update id (and message id) in a test comes from `next_id()`,
one counter that the autouse fixture in tests/conftest.py restarts before each test, so
two builders in one test never hand out the same id and no test depends on the ones
before it."""

from __future__ import annotations

import itertools

from wordbot.effects import SendText
from wordbot.transport.updates import (
    ButtonPress,
    CommandMessage,
    DocumentMessage,
    OtherMessage,
    TextMessage,
)

__all__ = ["UserUpdates", "next_id", "restart_ids", "sent_prompts"]

_ids = itertools.count(1)


def next_id() -> int:
    """The next update (or message) id of this test."""
    return next(_ids)


def restart_ids() -> None:
    """Start the ids of a new test at 1."""
    global _ids
    _ids = itertools.count(1)


class UserUpdates:
    """Builds what `parse_update` would give for this user's private chat; fresh ids each time."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    def command(self, name: str, args: str = "", user_id: int | None = None) -> CommandMessage:
        user = user_id or self.user_id
        return CommandMessage(next_id(), user, user, "private", next_id(), name, args)

    def text(self, body: str) -> TextMessage:
        return TextMessage(next_id(), self.user_id, self.user_id, "private", next_id(), body)

    def press(self, message_id: int | None, data: str, user_id: int | None = None) -> ButtonPress:
        user = user_id or self.user_id
        return ButtonPress(next_id(), user, user, "private", f"q{next_id()}", message_id, data)

    def document(
        self, file_id: str, file_name: str | None, size: int | None, mime_type: str | None = None
    ) -> DocumentMessage:
        user = self.user_id
        return DocumentMessage(
            next_id(), user, user, "private", next_id(), file_id, file_name, mime_type, size
        )

    def other(self, kind: str) -> OtherMessage:
        return OtherMessage(next_id(), self.user_id, self.user_id, "private", next_id(), kind)


def sent_prompts(outbound) -> list[tuple[int, SendText]]:
    """(message id, SendText) of every message sent with buttons, in order; RecordingOutbound
    numbers sent messages from 100."""
    found, message_id = [], 99
    for effect in outbound.effects:
        if isinstance(effect, SendText):
            message_id += 1
            if effect.keyboard:
                found.append((message_id, effect))
    return found
