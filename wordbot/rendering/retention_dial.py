"""The retention dial's block on /settings → Learning (SPEC §12): one short line per retention,
"90%: 182 → 6,861", reviews a day → words recalled after the simulated year, ★ on the one
with the most knowledge per review, and the learner's own retention marked."""

from __future__ import annotations

from babel.numbers import format_decimal

from wordbot.domain.retention_dial import DialShown, best_point
from wordbot.i18n import gettext as _
from wordbot.i18n import ngettext, supported_language

__all__ = ["BEST_MARK", "dial_text"]

BEST_MARK = "★"


def dial_text(shown: DialShown, current: float | None, *, lang: str = "en") -> str:
    """The dial block; `current` is the learner's own retention to mark (None: not marked,
    e.g. for an SM-2 learner, whom desired retention does not schedule)."""
    dial = shown.dial
    if dial is None:
        return _("⏳ Working out what each retention costs — open this again in a minute.", lang)
    situation = dial.situation
    if situation.personal:
        parameters = ngettext(
            "your parameters, fitted on {count} review",
            "your parameters, fitted on {count} reviews",
            situation.fitted_on_reviews or 0,
            lang,
        ).format(count=_number(situation.fitted_on_reviews or 0, lang))
    else:
        parameters = _("default parameters", lang)
    lines = [
        _("<b>What each retention costs</b>", lang),
        ngettext(
            "A simulated year with {words} word, {new} new a day, {parameters}. "
            "Reviews a day → words recalled at the end:",
            "A simulated year with {words} words, {new} new a day, {parameters}. "
            "Reviews a day → words recalled at the end:",
            situation.deck_size,
            lang,
        ).format(
            words=_number(situation.deck_size, lang),
            new=situation.new_cards_per_day,
            parameters=parameters,
        ),
    ]
    best = best_point(dial.points)
    for point in dial.points:
        reviews = _per_day(point.reviews_per_day(situation.days), lang)
        line = (
            f"{round(point.retention * 100)}%: {reviews} → {_number(round(point.recalled), lang)}"
        )
        if point is best:
            line += f" {BEST_MARK}"
        if current is not None and abs(point.retention - current) < 0.005:
            line += " " + _("• yours", lang)
        lines.append(line)
    if best is not None:
        lines.append(_("{mark} most words recalled per review", lang).format(mark=BEST_MARK))
    return "\n".join(lines)


def _per_day(value: float, lang: str) -> str:
    """Reviews a day: whole numbers from 10 up, one decimal below ("2.5")."""
    shown = round(value) if value >= 10 else round(value, 1)
    return format_decimal(shown, format="#,##0.#", locale=supported_language(lang))


def _number(value: int, lang: str) -> str:
    return format_decimal(value, locale=supported_language(lang), group_separator=True)
