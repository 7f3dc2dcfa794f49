"""Keeping the emulator's chats across runs (the sandbox): users, chats, messages and numbering.

Only what a person chatting needs survives: the messages with their keyboards, so a button
pressed after a restart is a real press on the old message. Files, calls and queued updates
do not.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from wordbot.emulator.state import ChatRecord, EmulatorState, MessageRecord

__all__ = ["load_chats", "save_chats"]

_VERSION = 1


def save_chats(state: EmulatorState, path: Path) -> None:
    with state.lock:
        document = {
            "version": _VERSION,
            "next_update_id": state.next_update_id,
            "users": list(state.users.values()),
            "chats": [
                {
                    "chat": record.chat,
                    "chat_instance": record.chat_instance,
                    "next_message_id": record.next_message_id,
                    "messages": [dataclasses.asdict(m) for m in record.messages.values()],
                }
                for record in state.chats.values()
            ],
        }
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)


def load_chats(state: EmulatorState, path: Path) -> None:
    """Restore what `save_chats` wrote; a missing or unreadable file leaves the state empty."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if document.get("version") != _VERSION:
        return
    with state.lock:
        state.next_update_id = max(state.next_update_id, document["next_update_id"])
        for user in document["users"]:
            state.users[user["id"]] = user
        for saved in document["chats"]:
            record = ChatRecord(
                chat=saved["chat"],
                chat_instance=saved["chat_instance"],
                next_message_id=saved["next_message_id"],
            )
            for fields in saved["messages"]:
                fields["entities"] = tuple(fields["entities"])
                fields["caption_entities"] = tuple(fields["caption_entities"])
                message = MessageRecord(**fields)
                record.messages[message.message_id] = message
                if message.from_bot:
                    record.latest[message.message_id] = message.snapshot(0, "sent")
            state.chats[record.chat_id] = record
