"""The transport's floor for B1/B2: a minimal pyTelegramBotAPI bot making the same Bot API calls
as WordBot on a grade press (answer, edit, send the next prompt), with no actors and no database.

    python -m wordbot.benchmarks.baseline_bot API_URL TOKEN [--same-transport]

By default it is pyTelegramBotAPI as it comes (threaded handlers, a requests session per
thread), only pointed at the emulator: the bot the targets compare with. `--same-transport`
builds it with WordBot's own `make_bot` (one urllib3 pool, non-threaded), to show what the
actors and the database cost on their own.
"""

from __future__ import annotations

import itertools
import sys

from telebot import TeleBot, apihelper
from telebot.types import InlineKeyboardButton, InlineKeyboardMarkup

from wordbot.transport.bot_api import make_bot


def main(api_url: str, token: str, same_transport: bool = False) -> int:
    if same_transport:
        bot = make_bot(token, api_url)
    else:
        apihelper.API_URL = api_url.rstrip("/") + "/bot{0}/{1}"
        bot = TeleBot(token)
    counter = itertools.count()

    def keyboard() -> InlineKeyboardMarkup:
        markup = InlineKeyboardMarkup()
        token_part = f"{next(counter):08d}"
        markup.row(
            *(
                InlineKeyboardButton(label, callback_data=f"tr:{label.lower()}:{token_part}")
                for label in ("Again", "Hard", "Good", "Easy")
            )
        )
        return markup

    @bot.message_handler(commands=["review"])
    def review(message):
        bot.send_message(
            message.chat.id,
            "word → <tg-spoiler>slovo</tg-spoiler>",
            parse_mode="HTML",
            reply_markup=keyboard(),
        )

    @bot.callback_query_handler(func=lambda query: True)
    def grade(query):
        bot.answer_callback_query(query.id)
        bot.edit_message_text(
            query.message.html_text + "\n→ <b>Good</b>",
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            parse_mode="HTML",
        )
        bot.send_message(
            query.message.chat.id,
            "word → <tg-spoiler>slovo</tg-spoiler>",
            parse_mode="HTML",
            reply_markup=keyboard(),
        )

    bot.infinity_polling(timeout=20, long_polling_timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], "--same-transport" in sys.argv[3:]))
