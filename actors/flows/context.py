"""The per-user context a flow works in: key, services, randomness and the cached learner row."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field

from actors.messages import SessionKey
from actors.services import Services
from storage import training, users
from wordbot.domain.learner import Learner
from wordbot.domain.training import TrainingSession
from wordbot.transport.effects import Delivery, Effect

__all__ = ["UserContext"]


@dataclass(slots=True)
class UserContext:
    """Owned by one actor thread; `learner` is a cache of the users row, written through."""

    key: SessionKey
    services: Services
    rng: random.Random = field(default_factory=random.Random)
    _learner: Learner | None = None
    _training: TrainingSession | None = None
    _training_loaded: bool = False

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

    def training(self) -> TrainingSession | None:
        """The active training session (cached after the first read); expired counts as absent."""
        if not self._training_loaded:
            self._training = training.load_training_session(
                self.key.chat_id, self.key.user_id, self.now()
            )
            self._training_loaded = True
        if self._training is not None and self._training.is_expired(self.now()):
            self._training = None
        return self._training

    def cache_training(self, session: TrainingSession | None) -> None:
        """Record in the cache what was just written to storage."""
        self._training, self._training_loaded = session, True

    def forget(self) -> None:
        """Drop the caches (after a failed transaction the database is the truth)."""
        self._learner = None
        self._training, self._training_loaded = None, False
