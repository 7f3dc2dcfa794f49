"""The callback-data protocol: `<scope>:<action>:<token>`, always within Telegram's 64 bytes."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

__all__ = [
    "CLEAR_SCOPE",
    "GAME_SCOPE",
    "MAX_CALLBACK_BYTES",
    "SETTINGS_SCOPE",
    "TRAINING_SCOPE",
    "CallbackData",
    "decode_callback",
    "encode_callback",
    "new_token",
]

MAX_CALLBACK_BYTES = 64

# The scopes: which part of the bot a button belongs to.
TRAINING_SCOPE = "tr"
GAME_SCOPE = "gm"
SETTINGS_SCOPE = "st"
CLEAR_SCOPE = "clr"
_PART = re.compile(r"[A-Za-z0-9_\-]{1,16}")


@dataclass(frozen=True, slots=True)
class CallbackData:
    scope: str
    action: str
    token: str


def new_token() -> str:
    """A fresh per-prompt token: 8 URL-safe characters, 48 random bits."""
    return secrets.token_urlsafe(6)


def encode_callback(scope: str, action: str, token: str) -> str:
    data = f"{scope}:{action}:{token}"
    if not all(_PART.fullmatch(part) for part in (scope, action, token)):
        raise ValueError(f"invalid callback part in {data!r}")
    return data


def decode_callback(data: str) -> CallbackData | None:
    """The parsed data, or None for anything malformed (garbage, forged, too long)."""
    if len(data.encode("utf-8", "surrogatepass")) > MAX_CALLBACK_BYTES:
        return None
    parts = data.split(":")
    if len(parts) != 3 or not all(_PART.fullmatch(part) for part in parts):
        return None
    return CallbackData(*parts)
