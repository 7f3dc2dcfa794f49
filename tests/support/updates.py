"""Parsed updates for actor tests, as one user sends them: commands, texts, button presses."""

from __future__ import annotations

import itertools

from wordbot.effects import SendText
from wordbot.transport.updates import ButtonPress, CommandMessage, TextMessage

__all__ = ["UserUpdates", "sent_prompts"]

_ids = itertools.count(1)


class UserUpdates:
    """Builds what `parse_update` would give for this user's private chat; fresh ids each time."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    def command(self, name: str, args: str = "", user_id: int | None = None) -> CommandMessage:
        user = user_id or self.user_id
        return CommandMessage(next(_ids), user, user, "private", next(_ids), name, args)

    def text(self, body: str) -> TextMessage:
        return TextMessage(next(_ids), self.user_id, self.user_id, "private", next(_ids), body)

    def press(self, message_id: int | None, data: str, user_id: int | None = None) -> ButtonPress:
        user = user_id or self.user_id
        return ButtonPress(next(_ids), user, user, "private", f"q{next(_ids)}", message_id, data)


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
