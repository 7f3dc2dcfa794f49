"""The /words message (SPEC §13) as a reducer: the view shown, a press or a typed edit in, the
outcome out (the next view, the one write to make, a notice).

Pure: no clock, no storage, no Telegram. The caller keeps the view of the user's live /words
message (`view_to_json`), its message id and a per-message token; it turns a press's action
part into `apply_press(view, action, now)`, makes the result's `write` in the unit of work,
stores the next view, loads what it shows (`storage.words.words_page` for LIST,
`card_details` for the other screens) and edits the message (`wordbot.rendering.words`).
While the view is EDIT, the user's next text (not a command) goes to `apply_edit_text`.

Decisions where the SPEC is silent:
* The callback action carries its argument: `p<page>` and `o<pair id>` in base 36, so one
  part of `<scope>:<action>:<token>` holds any 64-bit id (13 characters at most).
* An action is valid only on the screens that show it (like /settings); anything else is a
  stale or forged press, refused with None ("This button is no longer active.").
* Opening a pair names its id, which storage checks against the user; a pair that is gone (or
  never was theirs) brings the list back with a notice (`card_gone`).
* The delete confirmation expires DELETE_CONFIRM_TTL after it was shown; a later "Delete"
  press changes nothing and goes back to the card with a notice.
* Edit waits EDIT_INPUT_TTL for the text; a text after that is not an edit (None: the caller
  handles it as any other text and shows the card again). « Back on the edit request cancels it.
* The edit text is parsed like /add (`parse_pairs_text`, per line): exactly one valid pair
  is expected; anything else gives a hint and keeps waiting until the deadline.
* Delete returns to the list on the same page (storage shows the last page when that one
  emptied); Reset and Suspend stay on the card.
* `noop` (the page counter button) is valid on the list only and changes nothing.
* The search text is kept as typed (trimmed, cut to MAX_SEARCH_CHARS) for the header; the
  folding for the match happens in storage (`search_needle`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from wordbot.domain.pairs import InputReason, PairInput, VocabularyInputError, parse_pairs_text
from wordbot.domain.word_list import MAX_SEARCH_CHARS, EditOutcome

__all__ = [
    "DELETE_CONFIRM_TTL",
    "EDIT_INPUT_TTL",
    "DeletePair",
    "EditPair",
    "EditProblem",
    "Notice",
    "Press",
    "ResetPair",
    "Screen",
    "SetSuspended",
    "Verb",
    "WordsResult",
    "WordsView",
    "WordsWrite",
    "apply_edit_text",
    "apply_press",
    "card_gone",
    "edit_applied",
    "encode_action",
    "open_words",
    "parse_action",
    "valid_verbs",
    "view_from_json",
    "view_to_json",
]

DELETE_CONFIRM_TTL = timedelta(minutes=10)
EDIT_INPUT_TTL = timedelta(minutes=5)
_MAX_ARG_DIGITS = 15  # base 36: with the verb letter, 16 characters, the protocol's limit


class Screen(StrEnum):
    LIST = "list"
    CARD = "card"
    CONFIRM_DELETE = "confirm"
    EDIT = "edit"


class Verb(StrEnum):
    """What a /words button does; the value starts the callback-data action part."""

    PAGE = "p"  # + page number
    OPEN = "o"  # + pair id
    NOOP = "noop"
    BACK = "back"
    EDIT = "edit"
    DELETE = "del"
    CONFIRM = "yes"
    CANCEL = "no"
    RESET = "reset"
    SUSPEND = "susp"
    UNSUSPEND = "unsusp"


_WITH_ARGUMENT = frozenset({Verb.PAGE, Verb.OPEN})
_PLAIN_VERBS = frozenset(verb.value for verb in Verb if verb not in _WITH_ARGUMENT)

_VALID = {
    Screen.LIST: frozenset({Verb.PAGE, Verb.OPEN, Verb.NOOP}),
    Screen.CARD: frozenset(
        {Verb.BACK, Verb.EDIT, Verb.DELETE, Verb.RESET, Verb.SUSPEND, Verb.UNSUSPEND}
    ),
    Screen.CONFIRM_DELETE: frozenset({Verb.CONFIRM, Verb.CANCEL}),
    Screen.EDIT: frozenset({Verb.BACK}),
}


class Notice(StrEnum):
    """A short word for the user after a press or an edit (rendered in wordbot.rendering.words)."""

    DELETED = "deleted"
    RESET = "reset"
    SUSPENDED = "suspended"
    UNSUSPENDED = "unsuspended"
    EDITED = "edited"
    CONFIRM_EXPIRED = "confirm_expired"
    CARD_GONE = "card_gone"
    WORD1_TAKEN = "word1_taken"


class EditProblem(StrEnum):
    """Why a typed edit was not taken (the view keeps waiting)."""

    EMPTY = "empty"  # nothing that reads as a pair
    INVALID = "invalid"  # a side empty or longer than MAX_SIDE_CHARS
    NOT_ONE_PAIR = "not_one_pair"  # several pairs
    MALFORMED = "malformed"  # quoting the parser cannot read (see `reason`)


@dataclass(frozen=True, slots=True)
class WordsView:
    """What the /words message shows: the list (search text, page), or one pair's screens."""

    screen: Screen = Screen.LIST
    query: str | None = None
    page: int = 0
    pair_id: int | None = None
    deadline: datetime | None = None  # CONFIRM_DELETE and EDIT: until when they count


@dataclass(frozen=True, slots=True)
class Press:
    verb: Verb
    argument: int | None = None


@dataclass(frozen=True, slots=True)
class DeletePair:
    pair_id: int


@dataclass(frozen=True, slots=True)
class ResetPair:
    pair_id: int


@dataclass(frozen=True, slots=True)
class SetSuspended:
    pair_id: int
    suspended: bool


@dataclass(frozen=True, slots=True)
class EditPair:
    pair_id: int
    word1: str
    word2: str


WordsWrite = DeletePair | ResetPair | SetSuspended | EditPair


@dataclass(frozen=True, slots=True)
class WordsResult:
    view: WordsView  # what to show next
    write: WordsWrite | None = None  # the one change to apply (None: nothing to write)
    notice: Notice | None = None
    problem: EditProblem | None = None  # a typed edit that was not taken
    reason: str | None = None  # the parser's words for MALFORMED (English)
    input_reason: InputReason | None = None  # the same as data, for the learner's language


# --- callback actions -----------------------------------------------------------------------


def encode_action(verb: Verb, argument: int | None = None) -> str:
    """The callback action part of a button: `p3`, `o1a2b`, `del`…"""
    if (verb in _WITH_ARGUMENT) != (argument is not None):
        raise ValueError(f"{verb!r} takes {'an' if verb in _WITH_ARGUMENT else 'no'} argument")
    if argument is None:
        return verb.value
    if argument < 0:
        raise ValueError(f"negative argument {argument}")
    return verb.value + _base36(argument)


def parse_action(action: str) -> Press | None:
    """The press an action part stands for; None when it is not one of ours."""
    if action in _PLAIN_VERBS:
        return Press(Verb(action))
    verb, digits = action[:1], action[1:]
    if verb not in (Verb.PAGE, Verb.OPEN) or not 1 <= len(digits) <= _MAX_ARG_DIGITS:
        return None
    if not all(char in _DIGITS for char in digits) or (len(digits) > 1 and digits[0] == "0"):
        return None
    return Press(Verb(verb), int(digits, 36))


def valid_verbs(screen: Screen) -> frozenset[Verb]:
    return _VALID[screen]


# --- the reducer ----------------------------------------------------------------------------


def open_words(query: str | None) -> WordsView:
    """The view of a new /words message: the first page, searched when `query` is not blank."""
    text = query.strip()[:MAX_SEARCH_CHARS].strip() if query else ""
    return WordsView(Screen.LIST, query=text or None)


def apply_press(view: WordsView, action: str, now: datetime) -> WordsResult | None:
    """The outcome of pressing `action` while `view` is shown; None when stale or unknown."""
    press = parse_action(action)
    if press is None or press.verb not in _VALID[view.screen]:
        return None
    match press.verb:
        case Verb.NOOP:
            return WordsResult(view)
        case Verb.PAGE:
            return WordsResult(replace(view, page=press.argument))
        case Verb.OPEN:
            return WordsResult(_card(view, press.argument))
        case Verb.BACK if view.screen is Screen.EDIT:
            return WordsResult(_card(view, view.pair_id))
        case Verb.BACK:
            return WordsResult(_list(view))
        case Verb.EDIT:
            return WordsResult(replace(view, screen=Screen.EDIT, deadline=now + EDIT_INPUT_TTL))
        case Verb.DELETE:
            confirm = replace(view, screen=Screen.CONFIRM_DELETE, deadline=now + DELETE_CONFIRM_TTL)
            return WordsResult(confirm)
        case Verb.CONFIRM if view.deadline is None or now > view.deadline:
            return WordsResult(_card(view, view.pair_id), notice=Notice.CONFIRM_EXPIRED)
        case Verb.CONFIRM:
            return WordsResult(_list(view), DeletePair(view.pair_id), Notice.DELETED)
        case Verb.CANCEL:
            return WordsResult(_card(view, view.pair_id))
        case Verb.RESET:
            return WordsResult(view, ResetPair(view.pair_id), Notice.RESET)
        case Verb.SUSPEND:
            return WordsResult(view, SetSuspended(view.pair_id, True), Notice.SUSPENDED)
        case Verb.UNSUSPEND:
            return WordsResult(view, SetSuspended(view.pair_id, False), Notice.UNSUSPENDED)
    raise AssertionError(f"unhandled /words press {press!r}")


def apply_edit_text(view: WordsView, text: str, now: datetime) -> WordsResult | None:
    """The outcome of a typed edit; None when the view is not waiting for one (or too late)."""
    if view.screen is not Screen.EDIT or view.deadline is None or now > view.deadline:
        return None
    try:
        parsed = parse_pairs_text(text, delimiter_per_line=True)
    except VocabularyInputError as error:
        return WordsResult(
            view, problem=EditProblem.MALFORMED, reason=str(error), input_reason=error.reason
        )
    if len(parsed.pairs) > 1:
        return WordsResult(view, problem=EditProblem.NOT_ONE_PAIR)
    if not parsed.pairs:
        problem = EditProblem.INVALID if parsed.skipped else EditProblem.EMPTY
        return WordsResult(view, problem=problem)
    if parsed.skipped:  # one good row among bad ones: still not exactly one pair
        return WordsResult(view, problem=EditProblem.NOT_ONE_PAIR)
    pair: PairInput = parsed.pairs[0]
    return WordsResult(_card(view, view.pair_id), EditPair(view.pair_id, pair.word1, pair.word2))


def edit_applied(view: WordsView, outcome: EditOutcome) -> WordsResult:
    """What follows storage's answer to an EditPair write made from `view` (the EDIT screen)."""
    match outcome:
        case EditOutcome.EDITED:
            return WordsResult(_card(view, view.pair_id), notice=Notice.EDITED)
        case EditOutcome.WORD1_TAKEN:
            return WordsResult(view, notice=Notice.WORD1_TAKEN)
    return card_gone(view)


def card_gone(view: WordsView) -> WordsResult:
    """The pair of a card screen is not (or no longer) the user's: back to the list."""
    return WordsResult(_list(view), notice=Notice.CARD_GONE)


def _card(view: WordsView, pair_id: int | None) -> WordsView:
    return replace(view, screen=Screen.CARD, pair_id=pair_id, deadline=None)


def _list(view: WordsView) -> WordsView:
    return replace(view, screen=Screen.LIST, pair_id=None, deadline=None)


# --- persistence ----------------------------------------------------------------------------


def view_to_json(view: WordsView) -> dict:
    """A JSON-safe form of the view, for the user's row (a JSONField)."""
    return {
        "screen": view.screen.value,
        "query": view.query,
        "page": view.page,
        "pair_id": view.pair_id,
        "deadline": None if view.deadline is None else view.deadline.isoformat(),
    }


def view_from_json(data: dict) -> WordsView:
    deadline = data.get("deadline")
    return WordsView(
        screen=Screen(data["screen"]),
        query=data.get("query"),
        page=int(data.get("page", 0)),
        pair_id=data.get("pair_id"),
        deadline=None if deadline is None else datetime.fromisoformat(deadline),
    )


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    digits = []
    while True:
        number, remainder = divmod(number, 36)
        digits.append(_DIGITS[remainder])
        if number == 0:
            return "".join(reversed(digits))
