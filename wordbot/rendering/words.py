"""Texts and keyboards of /words (SPEC §13): the list, a card view, the delete confirmation and
the edit request, one message edited in place. User data is escaped everywhere.

Every text comes from the gettext catalog of `lang` (SPEC §15); English is the msgid itself.
"""

from __future__ import annotations

from datetime import tzinfo

from wordbot.callback_data import encode_callback
from wordbot.domain.pairs import MAX_SIDE_CHARS, InputReason
from wordbot.domain.word_list import PAGE_SIZE, CardDetails, WordsPage
from wordbot.domain.words_menu import (
    EditProblem,
    Notice,
    Screen,
    Verb,
    WordsView,
    encode_action,
)
from wordbot.effects import Button, Keyboard
from wordbot.i18n import N_
from wordbot.i18n import gettext as _
from wordbot.rendering.html import escape
from wordbot.rendering.vocabulary import input_reason

__all__ = [
    "LIST_SIDE_CHARS",
    "WORDS_SCOPE",
    "card_keyboard",
    "card_text",
    "confirm_delete_keyboard",
    "confirm_delete_text",
    "edit_problem_text",
    "edit_request_keyboard",
    "edit_request_text",
    "list_keyboard",
    "list_text",
    "notice_text",
    "word1_taken_text",
    "words_screen",
]

WORDS_SCOPE = "wd"
LIST_SIDE_CHARS = 40  # per side in the list and on buttons; the card view shows them whole
# A card's state as the card view names it; translated where it is shown.
_STATES = {"new": N_("new"), "learning": N_("learning"), "review": N_("review")}


def words_screen(
    view: WordsView, shown: WordsPage | CardDetails, tz: tzinfo, token: str, *, lang: str = "en"
) -> tuple[str, Keyboard | None]:
    """The text and keyboard of `view`: `shown` is its page (LIST) or its card (the others)."""
    match view.screen, shown:
        case Screen.LIST, WordsPage():
            return list_text(shown, view.query, lang=lang), list_keyboard(shown, token)
        case Screen.CARD, CardDetails():
            return card_text(shown, tz, lang=lang), card_keyboard(shown, token, lang=lang)
        case Screen.CONFIRM_DELETE, CardDetails():
            return confirm_delete_text(shown, lang=lang), confirm_delete_keyboard(token, lang=lang)
        case Screen.EDIT, CardDetails():
            return edit_request_text(shown, lang=lang), edit_request_keyboard(token, lang=lang)
    raise TypeError(f"{type(shown).__name__} cannot show the {view.screen} screen")


def list_text(page: WordsPage, query: str | None, *, lang: str = "en") -> str:
    if page.total == 0:
        if query:
            return _(
                "No words contain <b>{query}</b>.\n"
                "Send /words to see all your words, or /words with other letters.",
                lang,
            ).format(query=escape(query))
        return _(
            "You have no words yet. Add some with /add, e.g. <code>/add house, casa</code>.", lang
        )
    if query:
        header = _("🔎 Words containing <b>{query}</b>: {count}", lang).format(
            query=escape(query), count=page.total
        )
    else:
        header = _("📚 Your words: {count}", lang).format(count=page.total)
    if page.page_count > 1:
        header += _(" · page {page} of {pages}", lang).format(
            page=page.page + 1, pages=page.page_count
        )
    first = page.page * PAGE_SIZE + 1
    lines = [
        f"{first + n}. {escape(_short(item.word1))} — {escape(_short(item.word2))}"
        for n, item in enumerate(page.items)
    ]
    hint = _("Tap a pair to see, edit or delete it.", lang)
    return "\n".join([header, "", *lines, "", hint])


def list_keyboard(page: WordsPage, token: str) -> Keyboard | None:
    rows: list[tuple[Button, ...]] = [
        (
            Button(
                f"{_short(item.word1)} — {_short(item.word2)}",
                _data(Verb.OPEN, token, item.pair_id),
            ),
        )
        for item in page.items
    ]
    if page.page_count > 1:
        navigation = []
        if page.page > 0:
            navigation.append(Button("‹", _data(Verb.PAGE, token, page.page - 1)))
        navigation.append(Button(f"{page.page + 1}/{page.page_count}", _data(Verb.NOOP, token)))
        if page.page < page.page_count - 1:
            navigation.append(Button("›", _data(Verb.PAGE, token, page.page + 1)))
        rows.append(tuple(navigation))
    return tuple(rows) or None


def card_text(card: CardDetails, tz: tzinfo, *, lang: str = "en") -> str:
    """Both sides, state, due date in `tz`, reviews, lapses, suspended or not."""
    state = _STATES.get(card.state.value)
    lines = [
        f"<b>{escape(card.word1)}</b> — {escape(card.word2)}",
        "",
        _("State: {state}", lang).format(state=_(state, lang) if state else card.state.value),
        _("Due: {due}", lang).format(due=_due(card, tz, lang)),
        _("Reviews: {reps} · Lapses: {lapses}", lang).format(reps=card.reps, lapses=card.lapses),
    ]
    if card.suspended is not None:
        suspended = _("yes", lang) if card.suspended else _("no", lang)
        lines.append(_("Suspended: {suspended}", lang).format(suspended=suspended))
    return "\n".join(lines)


def card_keyboard(card: CardDetails, token: str, *, lang: str = "en") -> Keyboard:
    second = [Button(_("↺ Reset", lang), _data(Verb.RESET, token))]
    if card.suspended is not None:
        if card.suspended:
            second.append(Button(_("▶ Unsuspend", lang), _data(Verb.UNSUSPEND, token)))
        else:
            second.append(Button(_("⏸ Suspend", lang), _data(Verb.SUSPEND, token)))
    return (
        (
            Button(_("✏️ Edit", lang), _data(Verb.EDIT, token)),
            Button(_("🗑 Delete", lang), _data(Verb.DELETE, token)),
        ),
        tuple(second),
        (Button(_("« Back", lang), _data(Verb.BACK, token)),),
    )


def confirm_delete_text(card: CardDetails, *, lang: str = "en") -> str:
    return _(
        "Delete <b>{word1}</b> — {word2}?\n"
        "Its learning history goes with it. This cannot be undone.",
        lang,
    ).format(word1=escape(card.word1), word2=escape(card.word2))


def confirm_delete_keyboard(token: str, *, lang: str = "en") -> Keyboard:
    return (
        (
            Button(_("🗑 Delete", lang), _data(Verb.CONFIRM, token)),
            Button(_("Cancel", lang), _data(Verb.CANCEL, token)),
        ),
    )


def edit_request_text(card: CardDetails, *, lang: str = "en") -> str:
    return _(
        "Send the new pair as <code>word1, word2</code>\n"
        "Now: <code>{word1}, {word2}</code>\n"
        "Its learning history stays. I'll wait 5 minutes.",
        lang,
    ).format(word1=escape(card.word1), word2=escape(card.word2))


def edit_request_keyboard(token: str, *, lang: str = "en") -> Keyboard:
    return ((Button(_("« Back", lang), _data(Verb.BACK, token)),),)


def notice_text(notice: Notice, *, lang: str = "en") -> str:
    """A short answer to a press or an edit: plain text (a callback notice has no HTML)."""
    match notice:
        case Notice.DELETED:
            return _("Deleted.", lang)
        case Notice.RESET:
            return _("The card is new again.", lang)
        case Notice.SUSPENDED:
            return _("Suspended: it won't come up in reviews.", lang)
        case Notice.UNSUSPENDED:
            return _("Unsuspended: it comes up in reviews again.", lang)
        case Notice.EDITED:
            return _("Saved.", lang)
        case Notice.CONFIRM_EXPIRED:
            return _("That confirmation expired. Press Delete again.", lang)
        case Notice.CARD_GONE:
            return _("That pair no longer exists.", lang)
        case Notice.WORD1_TAKEN:
            return _("You already have a pair for that word.", lang)
    raise AssertionError(f"unhandled notice {notice!r}")


def word1_taken_text(word1: str, *, lang: str = "en") -> str:
    """The reply to an edit whose word1 another pair of the user has (the bot keeps waiting)."""
    return _(
        "You already have a pair for <b>{word1}</b>. "
        "Send another pair as <code>word1, word2</code>, or press « Back.",
        lang,
    ).format(word1=escape(word1))


def edit_problem_text(
    problem: EditProblem, reason: str | InputReason | None = None, *, lang: str = "en"
) -> str:
    """The hint after a typed edit that was not taken (the bot keeps waiting). `reason` is the
    parser's: as data (told in `lang`) or as English words."""
    if isinstance(reason, InputReason):
        reason = input_reason(reason, lang=lang)
    match problem:
        case EditProblem.EMPTY:
            return _("Send one pair as <code>word1, word2</code>.", lang)
        case EditProblem.INVALID:
            return _(
                "Both sides need 1 to {limit} characters. "
                "Send one pair as <code>word1, word2</code>.",
                lang,
            ).format(limit=MAX_SIDE_CHARS)
        case EditProblem.NOT_ONE_PAIR:
            return _("Send exactly one pair as <code>word1, word2</code>.", lang)
        case EditProblem.MALFORMED:
            if reason:
                return _(
                    "I couldn't read that. {reason} Send one pair as <code>word1, word2</code>.",
                    lang,
                ).format(reason=escape(reason))
            return _("I couldn't read that. Send one pair as <code>word1, word2</code>.", lang)
    raise AssertionError(f"unhandled edit problem {problem!r}")


def _due(card: CardDetails, tz: tzinfo, lang: str) -> str:
    if card.due_at is None:
        return _("not scheduled yet (new card)", lang)
    local = card.due_at.astimezone(tz)
    zone = getattr(tz, "key", None) or local.tzname() or "UTC"
    return f"{local:%Y-%m-%d %H:%M} ({escape(zone)})"


def _short(text: str) -> str:
    return text if len(text) <= LIST_SIDE_CHARS else text[: LIST_SIDE_CHARS - 1] + "…"


def _data(verb: Verb, token: str, argument: int | None = None) -> str:
    return encode_callback(WORDS_SCOPE, encode_action(verb, argument), token)
