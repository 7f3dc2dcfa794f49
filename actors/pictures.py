"""The /stats picture job (SPEC §14; see wordbot/decide/stats.py for why it runs here).

Runs on the picture worker (one thread, `Services.pictures`), never on an actor's thread:
render the PNG (matplotlib's object API on its own Agg canvas, safe in any thread), send it
with its caption through the paced sender, then the rest of the text. If Telegram refuses the
photo, the text still goes out as a message. Failures are logged; nothing is raised.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from actors.services import Outbound
from wordbot.decide.stats import StatsPicture
from wordbot.effects import SendPhoto, SendText
from wordbot.rendering.stats import chart_labels
from wordbot.rendering.stats_chart import render_stats_png

__all__ = ["STATS_FILE_NAME", "picture_job"]

log = logging.getLogger(__name__)

STATS_FILE_NAME = "stats.png"


def picture_job(picture: StatsPicture, outbound: Outbound) -> Callable[[], None]:
    def run() -> None:
        try:
            stats = picture.stats
            png = render_stats_png(
                stats.reviews_per_day, stats.due_per_day, chart_labels(lang=picture.lang)
            )
            photo = SendPhoto(picture.chat_id, png, STATS_FILE_NAME, picture.caption)
            delivered = outbound.perform(photo)
            rest = picture.rest
            if not delivered.ok:
                log.warning("chat %s: /stats photo not sent (%s)", picture.chat_id, delivered.error)
                rest = "\n".join(part for part in (picture.caption, picture.rest) if part)
            if rest:
                outbound.perform(SendText(picture.chat_id, rest))
        except Exception:
            log.exception("chat %s: the /stats picture failed", picture.chat_id)

    return run
