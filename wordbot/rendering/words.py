"""Texts and keyboards of /words (SPEC §13): the list, a card view, the delete confirmation and
the edit request, one message edited in place. User data is escaped everywhere."""

from __future__ import annotations

from datetime import tzinfo

from wordbot.callback_data import encode_callback
from wordbot.domain.pairs import MAX_SIDE_CHARS
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
from wordbot.rendering.html import escape

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
_STATES = {"new": "new", "learning": "learning", "review": "review"}


def words_screen(
    view: WordsView, shown: WordsPage | CardDetails, tz: tzinfo, token: str
) -> tuple[str, Keyboard | None]:
    """The text and keyboard of `view`: `shown` is its page (LIST) or its card (the others)."""
    match view.screen, shown:
        case Screen.LIST, WordsPage():
            return list_text(shown, view.query), list_keyboard(shown, token)
        case Screen.CARD, CardDetails():
            return card_text(shown, tz), card_keyboard(shown, token)
        case Screen.CONFIRM_DELETE, CardDetails():
            return confirm_delete_text(shown), confirm_delete_keyboard(token)
        case Screen.EDIT, CardDetails():
            return edit_request_text(shown), edit_request_keyboard(token)
    raise TypeError(f"{type(shown).__name__} cannot show the {view.screen} screen")


def list_text(page: WordsPage, query: str | None) -> str:
    if page.total == 0:
        if query:
            return (
                f"No words contain <b>{escape(query)}</b>.\n"
                "Send /words to see all your words, or /words with other letters."
            )
        return "You have no words yet. Add some with /add, e.g. <code>/add house, casa</code>."
    if query:
        header = f"🔎 Words containing <b>{escape(query)}</b>: {page.total}"
    else:
        header = f"📚 Your words: {page.total}"
    if page.page_count > 1:
        header += f" · page {page.page + 1} of {page.page_count}"
    first = page.page * PAGE_SIZE + 1
    lines = [
        f"{first + n}. {escape(_short(item.word1))} — {escape(_short(item.word2))}"
        for n, item in enumerate(page.items)
    ]
    return "\n".join([header, "", *lines, "", "Tap a pair to see, edit or delete it."])


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


def card_text(card: CardDetails, tz: tzinfo) -> str:
    """Both sides, state, due date in `tz`, reviews, lapses, suspended or not."""
    lines = [
        f"<b>{escape(card.word1)}</b> — {escape(card.word2)}",
        "",
        f"State: {_STATES.get(card.state.value, card.state.value)}",
        f"Due: {_due(card, tz)}",
        f"Reviews: {card.reps} · Lapses: {card.lapses}",
    ]
    if card.suspended is not None:
        lines.append(f"Suspended: {'yes' if card.suspended else 'no'}")
    return "\n".join(lines)


def card_keyboard(card: CardDetails, token: str) -> Keyboard:
    second = [Button("↺ Reset", _data(Verb.RESET, token))]
    if card.suspended is not None:
        if card.suspended:
            second.append(Button("▶ Unsuspend", _data(Verb.UNSUSPEND, token)))
        else:
            second.append(Button("⏸ Suspend", _data(Verb.SUSPEND, token)))
    return (
        (Button("✏️ Edit", _data(Verb.EDIT, token)), Button("🗑 Delete", _data(Verb.DELETE, token))),
        tuple(second),
        (Button("« Back", _data(Verb.BACK, token)),),
    )


def confirm_delete_text(card: CardDetails) -> str:
    return (
        f"Delete <b>{escape(card.word1)}</b> — {escape(card.word2)}?\n"
        "Its learning history goes with it. This cannot be undone."
    )


def confirm_delete_keyboard(token: str) -> Keyboard:
    return (
        (
            Button("🗑 Delete", _data(Verb.CONFIRM, token)),
            Button("Cancel", _data(Verb.CANCEL, token)),
        ),
    )


def edit_request_text(card: CardDetails) -> str:
    return (
        "Send the new pair as <code>word1, word2</code>\n"
        f"Now: <code>{escape(card.word1)}, {escape(card.word2)}</code>\n"
        "Its learning history stays. I'll wait 5 minutes."
    )


def edit_request_keyboard(token: str) -> Keyboard:
    return ((Button("« Back", _data(Verb.BACK, token)),),)


def notice_text(notice: Notice) -> str:
    """A short answer to a press or an edit: plain text (a callback notice has no HTML)."""
    match notice:
        case Notice.DELETED:
            return "Deleted."
        case Notice.RESET:
            return "The card is new again."
        case Notice.SUSPENDED:
            return "Suspended: it won't come up in reviews."
        case Notice.UNSUSPENDED:
            return "Unsuspended: it comes up in reviews again."
        case Notice.EDITED:
            return "Saved."
        case Notice.CONFIRM_EXPIRED:
            return "That confirmation expired. Press Delete again."
        case Notice.CARD_GONE:
            return "That pair no longer exists."
        case Notice.WORD1_TAKEN:
            return "You already have a pair for that word."
    raise AssertionError(f"unhandled notice {notice!r}")


def word1_taken_text(word1: str) -> str:
    """The reply to an edit whose word1 another pair of the user has (the bot keeps waiting)."""
    return (
        f"You already have a pair for <b>{escape(word1)}</b>. "
        "Send another pair as <code>word1, word2</code>, or press « Back."
    )


def edit_problem_text(problem: EditProblem, reason: str | None = None) -> str:
    """The hint after a typed edit that was not taken (the bot keeps waiting)."""
    match problem:
        case EditProblem.EMPTY:
            return "Send one pair as <code>word1, word2</code>."
        case EditProblem.INVALID:
            return (
                "Both sides need 1 to "
                f"{MAX_SIDE_CHARS} characters. Send one pair as <code>word1, word2</code>."
            )
        case EditProblem.NOT_ONE_PAIR:
            return "Send exactly one pair as <code>word1, word2</code>."
        case EditProblem.MALFORMED:
            detail = f" {escape(reason)}" if reason else ""
            return f"I couldn't read that.{detail} Send one pair as <code>word1, word2</code>."
    raise AssertionError(f"unhandled edit problem {problem!r}")


def _due(card: CardDetails, tz: tzinfo) -> str:
    if card.due_at is None:
        return "not scheduled yet (new card)"
    local = card.due_at.astimezone(tz)
    zone = getattr(tz, "key", None) or local.tzname() or "UTC"
    return f"{local:%Y-%m-%d %H:%M} ({escape(zone)})"


def _short(text: str) -> str:
    return text if len(text) <= LIST_SIDE_CHARS else text[: LIST_SIDE_CHARS - 1] + "…"


def _data(verb: Verb, token: str, argument: int | None = None) -> str:
    return encode_callback(WORDS_SCOPE, encode_action(verb, argument), token)
