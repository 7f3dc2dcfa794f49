"""From a parsed update to the right place: a user's actor, or a short reply for group chats."""

from __future__ import annotations

import pykka

from actors.messages import HandleUpdate, SessionKey
from actors.services import Outbound
from wordbot.effects import AnswerCallback, SendText
from wordbot.rendering import vocabulary as texts
from wordbot.transport.updates import ButtonPress, CommandMessage, Incoming

__all__ = ["Router"]


class Router:
    """Private chats go to the Supervisor; in groups the bot only says it works in private chats."""

    def __init__(
        self, supervisor: pykka.ActorRef, outbound: Outbound, bot_username: str | None = None
    ) -> None:
        self._supervisor = supervisor
        self._outbound = outbound
        self._bot_username = (bot_username or "").lower()

    def dispatch(self, incoming: Incoming, completion: pykka.Future) -> bool:
        """Route an update; True when it went to an actor, which sets `completion` once it is
        handled, False when it was dealt with here and then."""
        if self._addressed_elsewhere(incoming):
            return False
        if incoming.chat_type != "private":
            self._answer_group(incoming)
            return False
        key = SessionKey(incoming.chat_id, incoming.user_id)
        self._supervisor.tell(HandleUpdate(key, incoming, completion))
        return True

    def _addressed_elsewhere(self, incoming: Incoming) -> bool:
        """`/add@OtherBot` is for another bot: not ours to act on, in any chat."""
        return (
            isinstance(incoming, CommandMessage)
            and incoming.mention is not None
            and incoming.mention.lower() != self._bot_username
        )

    def _answer_group(self, incoming: Incoming) -> None:
        """On the sender's workers, not in the poller's thread: a chatty group held back by its
        own pacing must not hold up polling."""
        if isinstance(incoming, CommandMessage):
            self._outbound.perform_soon(SendText(incoming.chat_id, texts.private_only()))
        elif isinstance(incoming, ButtonPress):
            self._outbound.perform_soon(
                AnswerCallback(incoming.callback_query_id, texts.private_only())
            )
