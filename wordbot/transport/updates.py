"""parse_update: a raw Bot API update (JSON dict) into one of a few plain command types."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ButtonPress",
    "CommandMessage",
    "DocumentMessage",
    "Incoming",
    "OtherMessage",
    "TextMessage",
    "parse_update",
    "scrub_surrogates",
]

_SURROGATE = re.compile("[\ud800-\udfff]")
_MESSAGE_KINDS = (
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "audio",
    "animation",
    "contact",
    "location",
    "venue",
    "poll",
    "dice",
    "game",
)


@dataclass(frozen=True, slots=True)
class TextMessage:
    update_id: int
    chat_id: int
    user_id: int
    chat_type: str
    message_id: int
    text: str
    language_code: str | None = None  # the sender's, as Telegram reports it
    sender_name: str | None = None  # first and last name, @username: for /feedback
    reply_to_message_id: int | None = None  # the message this one replies to, if any
    reply_to_bot_text: str | None = None  # that message's text, when a bot wrote it


@dataclass(frozen=True, slots=True)
class CommandMessage:
    """A text starting with `/`: always a command, never an answer (SPEC §5)."""

    update_id: int
    chat_id: int
    user_id: int
    chat_type: str
    message_id: int
    command: str
    args: str
    mention: str | None = None  # `/add@SomeBot`: the bot the command is addressed to
    language_code: str | None = None  # the sender's, as Telegram reports it
    sender_name: str | None = None  # first and last name, @username: for /feedback


@dataclass(frozen=True, slots=True)
class DocumentMessage:
    update_id: int
    chat_id: int
    user_id: int
    chat_type: str
    message_id: int
    file_id: str
    file_name: str | None
    mime_type: str | None
    file_size: int | None
    language_code: str | None = None  # the sender's, as Telegram reports it


@dataclass(frozen=True, slots=True)
class ButtonPress:
    update_id: int
    chat_id: int
    user_id: int
    chat_type: str
    callback_query_id: str
    message_id: int | None
    data: str
    language_code: str | None = None  # the sender's, as Telegram reports it


@dataclass(frozen=True, slots=True)
class OtherMessage:
    """A sticker, photo, voice note, contact...: something the bot cannot use."""

    update_id: int
    chat_id: int
    user_id: int
    chat_type: str
    message_id: int
    kind: str
    language_code: str | None = None  # the sender's, as Telegram reports it


Incoming = TextMessage | CommandMessage | DocumentMessage | ButtonPress | OtherMessage


def scrub_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (keys too) replaced by U+FFFD.

    JSON may carry `"\\ud800"`; Python decodes it to a string that cannot be encoded as UTF-8,
    so it could be neither stored (PostgreSQL's jsonb refuses it) nor sent back to Telegram."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {scrub_surrogates(key): scrub_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub_surrogates(item) for item in value]
    return value


def parse_update(update: dict[str, Any]) -> Incoming | None:
    """The command an update carries, or None for updates the bot ignores (edits, channel posts...)."""
    try:
        update_id = int(update["update_id"])
        if isinstance(update.get("message"), dict):
            return _parse_message(update_id, update["message"])
        if isinstance(update.get("callback_query"), dict):
            return _parse_callback(update_id, update["callback_query"])
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    return None


def _parse_message(update_id: int, message: dict[str, Any]) -> Incoming | None:
    sender = message.get("from")
    if not isinstance(sender, dict) or sender.get("is_bot"):
        return None
    chat = message["chat"]
    base = (update_id, int(chat["id"]), int(sender["id"]), str(chat.get("type", "")))
    message_id = int(message["message_id"])
    language = _language_code(sender)
    text = message.get("text")
    name = _sender_name(sender)
    if isinstance(text, str):
        if text.startswith("/"):
            command, args, mention = _split_command(text)
            return CommandMessage(
                *base,
                message_id,
                command,
                args,
                mention,
                language_code=language,
                sender_name=name,
            )
        replied = message.get("reply_to_message")
        reply_id = reply_text = None
        if isinstance(replied, dict) and isinstance(replied.get("message_id"), int):
            reply_id = replied["message_id"]
            author = replied.get("from")
            if isinstance(author, dict) and author.get("is_bot") is True:
                reply_text = replied.get("text") if isinstance(replied.get("text"), str) else None
        return TextMessage(
            *base,
            message_id,
            text,
            language_code=language,
            sender_name=name,
            reply_to_message_id=reply_id,
            reply_to_bot_text=reply_text,
        )
    document = message.get("document")
    if isinstance(document, dict):
        return DocumentMessage(
            *base,
            message_id,
            file_id=str(document["file_id"]),
            file_name=document.get("file_name"),
            mime_type=document.get("mime_type"),
            file_size=document.get("file_size"),
            language_code=language,
        )
    kind = next((k for k in _MESSAGE_KINDS if k in message), "unsupported")
    return OtherMessage(*base, message_id, kind, language)


def _language_code(sender: dict[str, Any]) -> str | None:
    """The sender's IETF language tag, if it is a short string (anything else is ignored)."""
    code = sender.get("language_code")
    return code if isinstance(code, str) and 0 < len(code) <= 35 else None


def _sender_name(sender: dict[str, Any]) -> str | None:
    """ "Ada Lovelace (@ada)" from a `from` object; None when it names nobody."""
    parts = [sender.get(key) for key in ("first_name", "last_name")]
    name = " ".join(part for part in parts if isinstance(part, str) and part.strip())
    username = sender.get("username")
    if isinstance(username, str) and username:
        name = f"{name} (@{username})" if name else f"@{username}"
    return name or None


def _split_command(text: str) -> tuple[str, str, str | None]:
    """`/Add@WordBot house, casa` → ("add", "house, casa", "WordBot"); args keep their lines."""
    head, _, rest = text.partition("\n")
    word, _, same_line = head.replace("\t", " ").partition(" ")
    command, _, mention = word[1:].partition("@")
    args = "\n".join(part for part in (same_line, rest) if part)
    return command.lower(), args.strip(), mention or None


def _parse_callback(update_id: int, query: dict[str, Any]) -> ButtonPress | None:
    sender = query["from"]
    message = query.get("message")
    user_id = int(sender["id"])
    if isinstance(message, dict) and isinstance(message.get("chat"), dict):
        chat_id = int(message["chat"]["id"])
        chat_type = str(message["chat"].get("type", ""))
        message_id = int(message["message_id"]) if "message_id" in message else None
    else:
        chat_id, chat_type, message_id = user_id, "private", None
    data = query.get("data")
    return ButtonPress(
        update_id,
        chat_id,
        user_id,
        chat_type,
        callback_query_id=str(query["id"]),
        message_id=message_id,
        data=data if isinstance(data, str) else "",
        language_code=_language_code(sender),
    )
