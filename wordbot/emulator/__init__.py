"""A local Telegram Bot API emulator: a real HTTP server for tests, benchmarks and the sandbox.

    with BotApiEmulator(token="123456:TEST") as emu:   # 127.0.0.1, a free port
        chat = emu.private_chat(user_id=1001, first_name="Ann")
        chat.send_text("/start")                      # the bot gets it from getUpdates
        prompt = chat.wait_for_message(contains="Translate")
        chat.press(prompt.message_id, button="Good")
        assert emu.unknown_calls == []

Modules: `server` (HTTP), `params` (request parameters), `methods` (Bot API semantics),
`state` (what is remembered), `html_text` (HTML parse mode), `limits` (flood control),
`faults` (injected failures), `images` (photo sizes), `webhook` (delivery), `users` (acting
as a user), `records` (snapshots handed to tests), `bot_api_emulator` (the facade).
"""

from wordbot.emulator.bot_api_emulator import DEFAULT_TOKEN, BotApiEmulator, Outage
from wordbot.emulator.html_text import HtmlParseError, ParsedText, parse_html, plain_text
from wordbot.emulator.records import BotMessage, Button, Call, CallbackAnswer
from wordbot.emulator.users import NoSuchButton, UserChat

__all__ = [
    "DEFAULT_TOKEN",
    "BotApiEmulator",
    "BotMessage",
    "Button",
    "Call",
    "CallbackAnswer",
    "HtmlParseError",
    "NoSuchButton",
    "Outage",
    "ParsedText",
    "UserChat",
    "parse_html",
    "plain_text",
]
