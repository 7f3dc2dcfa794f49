"""/stats (SPEC §14): the decision, pure; the picture is drawn later, off the actor's thread.

`decide_stats` turns the facts (the learner's cards, review log and finished games, read
through the snapshot cache) into every number of §14 and the summary text. It writes
nothing. With no pairs the answer is a short text through the outbox, like any reply.
Otherwise it returns a `StatsPicture` request: numbers and texts, no pixels.

Where the PNG is drawn, and why: rendering is I/O-free but costs about 100 ms of CPU, so the
actor hands the request, after its unit of work has committed, to the picture worker (one
thread for the process, `Services.pictures`), which renders it and sends the photo with its
caption, then the rest of the text, through the same paced sender as everything else. The
actor moves on at once. The photo is not an outbox row: /stats writes nothing, a crash
before it is sent loses a read-only answer, and the user simply asks again. A later reply
(say a /review straight after /stats) may therefore arrive before the picture.

The streak line after a finished session (`streak_line_for`) is decided here too, from the
learner's review days: the grade being given now counts for today.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wordbot.decide.transition import Moment, Snapshot, Transition
from wordbot.domain.learner import Learner
from wordbot.domain.stats import (
    CardStat,
    GameResult,
    LearnerStats,
    ReviewEvent,
    compute_stats,
    local_day,
    streaks,
)
from wordbot.effects import SendText
from wordbot.rendering import stats as texts

__all__ = [
    "StatsFacts",
    "StatsPicture",
    "StatsReply",
    "decide_stats",
    "learner_language",
    "learner_zone",
    "streak_line_for",
]


@dataclass(frozen=True, slots=True)
class StatsFacts:
    cards: Sequence[CardStat]
    reviews: Sequence[ReviewEvent]
    games: Sequence[GameResult]


@dataclass(frozen=True, slots=True)
class StatsPicture:
    """What the picture worker draws and sends: the photo with `caption`, then `rest`."""

    chat_id: int
    stats: LearnerStats
    caption: str | None
    rest: str | None
    lang: str


@dataclass(frozen=True, slots=True)
class StatsReply:
    transition: Transition
    picture: StatsPicture | None = None


def learner_zone(learner: Learner) -> ZoneInfo:
    """The learner's IANA zone; an unknown name (never stored, but defensively) is UTC."""
    try:
        return ZoneInfo(learner.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def learner_language(learner: Learner) -> str:
    return learner.language or "en"


def decide_stats(snapshot: Snapshot, facts: StatsFacts, moment: Moment) -> StatsReply:
    """Every number of /stats for the learner now, as a picture request; no pairs: a text."""
    learner = snapshot.learner
    lang = learner_language(learner)
    stats = compute_stats(
        facts.cards,
        facts.reviews,
        facts.games,
        moment.now,
        learner_zone(learner),
        # the learner's scheduler arrives with the FSRS wiring; until then SM-2 grades
        scheduler=getattr(learner, "scheduler", None) or "sm2",
        personal_parameters=getattr(learner, "fsrs_parameters", None) is not None,
    )
    if stats.pairs == 0:
        owed = (SendText(learner.chat_id, texts.stats_empty(lang=lang)),)
        return StatsReply(Transition(owed=owed))
    caption, rest = texts.caption_and_rest(texts.stats_caption(stats, lang=lang))
    return StatsReply(Transition(), StatsPicture(learner.chat_id, stats, caption, rest, lang))


def streak_line_for(
    learner: Learner, review_times: Iterable[datetime], now: datetime
) -> str | None:
    """ "🔥 N days in a row" for a session finished now, when the streak is two days or more."""
    zone = learner_zone(learner)
    today = local_day(now, zone)
    days: set[date] = {local_day(moment, zone) for moment in review_times}
    days.add(today)  # the grade that finishes the session
    current, _ = streaks((day for day in days if day <= today), today)
    return texts.streak_line(current, lang=learner_language(learner))
