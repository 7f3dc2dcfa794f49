"""Texts of /feedback and /admin (SPEC §16).

The message an admin gets names the sender and carries the marker `#id<user id>` on its first
line; an admin's reply to that message is sent back to the user it names (`feedback_sender`
reads the marker back, in any language, since it is not translated).
"""

from __future__ import annotations

import re

from wordbot.domain.operating import AdminCounts
from wordbot.i18n import gettext as _
from wordbot.rendering.html import escape

__all__ = [
    "admin_report",
    "feedback_for_admin",
    "feedback_reply_for_user",
    "feedback_reply_sent",
    "feedback_sender",
    "feedback_sent",
    "feedback_usage",
    "feedback_reply_needs_text",
]

_MARKER = re.compile(r"#id(\d{1,19})\b")


def feedback_usage(*, lang: str = "en") -> str:
    return _("Send your feedback as the next message (within 5 minutes), or /feedback text.", lang)


def feedback_sent(*, lang: str = "en") -> str:
    return _("Thank you! Your message went to the bot's team.", lang)


def feedback_for_admin(name: str | None, user_id: int, text: str, *, lang: str = "en") -> str:
    """What each admin gets: who wrote (name and id), the marker, then their words."""
    header = _("💬 Feedback from {name} (id {user_id}) #id{user_id}", lang).format(
        name=escape(name or _("someone without a name", lang)), user_id=user_id
    )
    hint = _("Reply to this message to answer them.", lang)
    return f"{header}\n\n{escape(text)}\n\n<i>{hint}</i>"


def feedback_sender(admin_message_text: str | None) -> int | None:
    """The user id a feedback message names (its first line's marker), or None."""
    if not admin_message_text:
        return None
    found = _MARKER.search(admin_message_text.split("\n", 1)[0])
    return int(found[1]) if found else None


def feedback_reply_for_user(text: str, *, lang: str = "en") -> str:
    return _("📨 The bot's team answered:", lang) + "\n\n" + escape(text)


def feedback_reply_sent(user_id: int, *, lang: str = "en") -> str:
    return _("Sent to {user_id}.", lang).format(user_id=user_id)


def feedback_reply_needs_text(*, lang: str = "en") -> str:
    return _("Only a text reply can be sent back to the user.", lang)


def admin_report(counts: AdminCounts, *, lang: str = "en") -> str:
    lines = [
        _("<b>WordBot {version}</b>", lang).format(version=escape(counts.version)),
        _("Users: {users}", lang).format(users=counts.users),
        _("Active today: {today} · last 7 days: {week}", lang).format(
            today=counts.active_today, week=counts.active_week
        ),
        _("Grades today: {grades}", lang).format(grades=counts.grades_today),
        _("Inbox: {inbox} · outbox: {outbox}", lang).format(
            inbox=counts.inbox, outbox=counts.outbox
        ),
    ]
    return "\n".join(lines)
