"""The per-user context a flow works in: key, services, randomness and the cached learner row."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field

from actors.messages import SessionKey
from actors.services import Services
from storage import users
from wordbot.domain.learner import Learner
from wordbot.transport.effects import Delivery, Effect

__all__ = ["UserContext"]


@dataclass(slots=True)
class UserContext:
    """Owned by one actor thread; `learner` is a cache of the users row, written through."""

    key: SessionKey
    services: Services
    rng: random.Random = field(default_factory=random.Random)
    _learner: Learner | None = None

    def now(self):
        return self.services.clock.now()

    def send(self, effect: Effect) -> Delivery:
        return self.services.outbound.perform(effect)

    def learner(self) -> Learner:
        """The cached learner, loaded (and created on first contact) on first use."""
        if self._learner is None:
            self._learner = users.ensure_learner(self.key.user_id, self.key.chat_id, self.now())
        return self._learner

    def update_learner(self, **changes) -> Learner:
        """Record changes made in storage in the cache too."""
        self._learner = dataclasses.replace(self.learner(), **changes)
        return self._learner

    def forget(self) -> None:
        """Drop the cache (after a failed transaction the database is the truth)."""
        self._learner = None
