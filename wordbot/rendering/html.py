"""HTML helpers: escaping user data for Telegram's HTML parse mode."""

from __future__ import annotations

import html

__all__ = ["escape"]


def escape(text: str) -> str:
    """User data made safe for HTML parse mode; shows exactly as typed."""
    return html.escape(text, quote=False)
