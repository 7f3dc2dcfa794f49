"""What an end-to-end test's user does and waits for, step by step, in an emulator chat."""

from __future__ import annotations

__all__ = ["WAIT", "add_pairs", "next_prompt", "press_and_see_edit"]

WAIT = 60.0  # a bound that catches a hang; a kill and restart on a loaded machine take 15 s+


def add_pairs(chat, pairs: dict[str, str]) -> None:
    """`/add` the pairs and wait for the bot's summary."""
    since = chat.mark()
    chat.send_text("/add " + "\n".join(f"{a}, {b}" for a, b in pairs.items()))
    chat.wait_for_message(contains=f"Imported {len(pairs)} new pairs", since=since, timeout=WAIT)


def next_prompt(chat, since):
    """The next message sent with buttons after `since`."""
    return chat.wait_for_message(
        predicate=lambda m: m.event == "sent" and m.has_keyboard, since=since, timeout=WAIT
    )


def press_and_see_edit(chat, prompt, label):
    """Press a button of `prompt` and wait for the prompt's edit; returns (mark, edited)."""
    since = chat.mark()
    chat.press(prompt, button=label)
    edited = chat.wait_for_message(
        predicate=lambda m: m.message_id == prompt.message_id and m.event == "edited",
        since=since,
        timeout=WAIT,
    )
    return since, edited
