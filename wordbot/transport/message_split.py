"""Fitting HTML texts into Telegram's message limit: a Telegram rule, so transport owns it."""

from __future__ import annotations

import re

__all__ = ["MAX_MESSAGE_UNITS", "split_message", "telegram_length"]

MAX_MESSAGE_UNITS = 4096
_UNSAFE_CUT = re.compile(r"<[^>]*$|&[#\w]*$")
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)[^>]*>")
_TAG_RESERVE = 256  # room for closing and reopening tags across a split


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units); measured on the HTML, so an upper bound."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """Split at line ends into parts Telegram accepts; a single over-long line is cut safely.

    A tag open across a split is closed at the end of one part and opened again at the start
    of the next, so every part is valid HTML on its own.
    """
    if telegram_length(text) <= limit:
        return [text]
    parts = _split_lines(text, limit - _TAG_RESERVE if "<" in text else limit)
    balanced: list[str] = []
    carried: list[str] = []  # opening tags still open at the end of the previous part
    for part in parts:
        opened = _open_tags(carried, part)
        closing = "".join(f"</{_tag_name(tag)}>" for tag in reversed(opened))
        balanced.append("".join(carried) + part + closing)
        carried = opened
    return balanced


def _split_lines(text: str, limit: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if telegram_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while telegram_length(line) > limit:
            head = _cut(line, limit)
            parts.append(head)
            line = line[len(head) :]
        current = line
    if current or not parts:
        parts.append(current)
    return parts


def _open_tags(carried: list[str], part: str) -> list[str]:
    """The opening tags (as written) still open after `part`, given those open before it."""
    stack = list(carried)
    for match in _TAG.finditer(part):
        if match[1]:
            if stack and _tag_name(stack[-1]) == match[2].lower():
                stack.pop()
        else:
            stack.append(match[0])
    return stack


def _tag_name(tag: str) -> str:
    match = _TAG.match(tag)
    return match[2].lower() if match else ""


def _cut(line: str, limit: int) -> str:
    """The longest prefix within `limit` that does not end inside a tag or an entity."""
    head = line
    while telegram_length(head) > limit:
        head = head[: max(1, len(head) - max(1, (telegram_length(head) - limit + 1) // 2))]
    match = _UNSAFE_CUT.search(head)
    if match and match.start() > 0:
        head = head[: match.start()]
    return head
