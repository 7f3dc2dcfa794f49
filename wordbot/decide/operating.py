"""/feedback, an admin's reply to it, /admin, and when a user was last seen (SPEC §16). Pure.

* `/feedback text` goes to every `admin.ids` user at once; `/feedback` alone waits for the next
  text within FEEDBACK_WINDOW (like `/add` alone). The user is thanked; with no admin
  configured the text still thanks them (the operator chose to hear nothing) and is dropped.
* An admin's text that replies to a feedback message of the bot goes back to the user that
  message names (its `#id<user>` marker); the admin is told it was sent.
* `/admin` answers admins only; everyone else gets the unknown-command answer (decided by the
  caller, which falls through to it).
* `last_seen_at` is written at most once an hour and on each new UTC day, so "active today"
  is exact to the day without a write per update.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from wordbot.decide.transition import Moment, Snapshot, Transition, UpdateLearner
from wordbot.domain.operating import AdminCounts
from wordbot.effects import SendText
from wordbot.rendering import operating as texts

__all__ = [
    "FEEDBACK_INPUT",
    "FEEDBACK_WINDOW",
    "SEEN_EVERY",
    "decide_admin",
    "decide_feedback_command",
    "decide_feedback_reply",
    "decide_feedback_text",
    "decide_seen",
    "is_admin",
]

FEEDBACK_INPUT = "feedback"
FEEDBACK_WINDOW = timedelta(minutes=5)
SEEN_EVERY = timedelta(hours=1)
_ADMIN_LANG = "en"  # the admin's own language is not known to the sender's actor


def _lang(snapshot: Snapshot) -> str:
    return snapshot.learner.language or "en"


def is_admin(snapshot: Snapshot, admins: Collection[int]) -> bool:
    return snapshot.learner.user_id in admins


def decide_feedback_command(
    snapshot: Snapshot,
    text: str,
    sender_name: str | None,
    admins: Collection[int],
    moment: Moment,
) -> Transition:
    """`/feedback text` is sent on; `/feedback` alone waits for the next text."""
    learner = snapshot.learner
    if text.strip():
        return _forward(snapshot, text.strip(), sender_name, admins)
    until = moment.now + FEEDBACK_WINDOW
    return Transition(
        writes=(UpdateLearner({"pending_input": FEEDBACK_INPUT, "pending_input_until": until}),),
        owed=(SendText(learner.chat_id, texts.feedback_usage(lang=_lang(snapshot))),),
    )


def decide_feedback_text(
    snapshot: Snapshot, message, admins: Collection[int], moment: Moment
) -> Transition | None:
    """The text after `/feedback` (within the window), or None when none is awaited."""
    if not snapshot.learner.awaits_input(FEEDBACK_INPUT, moment.now):
        return None
    done = Transition(writes=(UpdateLearner({"pending_input": None, "pending_input_until": None}),))
    forwarded = _forward(snapshot, message.text, message.sender_name, admins)
    return Transition(writes=done.writes + forwarded.writes, owed=forwarded.owed)


def decide_feedback_reply(
    snapshot: Snapshot, message, admins: Collection[int]
) -> Transition | None:
    """An admin's reply to a feedback message goes back to its user; None if it is not one."""
    if not is_admin(snapshot, admins):
        return None
    user_id = texts.feedback_sender(getattr(message, "reply_to_bot_text", None))
    if user_id is None:
        return None
    admin_chat = snapshot.learner.chat_id
    return Transition(
        owed=(
            SendText(user_id, texts.feedback_reply_for_user(message.text)),
            SendText(admin_chat, texts.feedback_reply_sent(user_id, lang=_lang(snapshot))),
        )
    )


def decide_admin(snapshot: Snapshot, counts: AdminCounts) -> Transition:
    report = texts.admin_report(counts, lang=_lang(snapshot))
    return Transition(owed=(SendText(snapshot.learner.chat_id, report),))


def decide_seen(snapshot: Snapshot, moment: Moment) -> Transition:
    """Record that the user wrote or pressed, to the hour (see the module docstring)."""
    seen = snapshot.learner.last_seen_at
    now = moment.now
    if seen is not None and seen.date() == now.date() and now - seen < SEEN_EVERY:
        return Transition()
    return Transition(writes=(UpdateLearner({"last_seen_at": now}),))


def _forward(
    snapshot: Snapshot, text: str, sender_name: str | None, admins: Collection[int]
) -> Transition:
    learner = snapshot.learner
    forwarded = tuple(
        SendText(
            admin,
            texts.feedback_for_admin(sender_name, learner.user_id, text, lang=_ADMIN_LANG),
        )
        for admin in sorted(set(admins))
    )
    thanks = SendText(learner.chat_id, texts.feedback_sent(lang=_lang(snapshot)))
    return Transition(owed=(*forwarded, thanks))
