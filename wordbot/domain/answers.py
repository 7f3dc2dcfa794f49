"""Matching a typed /game answer against the expected side of a card (SPEC §5).

Pure text rules, no Telegram: both sides are plain text (never HTML-escaped), so `<b>&`
is compared as those three characters.

Decisions where the SPEC is silent:
* Case is not significant, accents are: both sides are Unicode case-folded (`ÉCOLE` is
  `école`, `STRASSE` is `Straße`, `ДОМ` is `дом`, a Greek final ς is σ) and NFC-normalised,
  so a composed and a decomposed é match, but `cafe` is not `café` and `е` is not `ё`.
* Normalising trims, collapses every run of whitespace (including no-break spaces) to one
  space and strips any number of trailing `.`, `!`, `?`, `,` with spaces between
  (`run . !` is `run`); punctuation inside (`it's`, `a.m`) and leading (`¿`) is kept.
* The expected side accepts each comma-separated alternative and the whole side. Commas
  inside parentheses do not separate alternatives (`run (fast, quick)` is one alternative).
* Each innermost `(...)` part of an alternative may be omitted, typed without the
  parentheses, or typed with them: `(to) run` accepts `run`, `to run` and `(to) run`;
  `(to) run (fast), sprint` also accepts the whole side as `to run, sprint`.
  Nested or unbalanced parentheses are literal text except the innermost balanced pair.
* With more than MAX_OPTIONAL_PARTS parenthesized parts in one alternative, only "all
  omitted", "all without parentheses" and "all as written" are accepted, so a side full of
  parentheses cannot explode into 3ⁿ variants.
* An answer or expected side that normalises to empty matches nothing.

Forgiving answers (SPEC §13), `check_answer`; decisions where the SPEC is silent:
* EXACT is `is_correct` (§5 alone; `is_correct` keeps that meaning). Otherwise the answer is
  compared with each accepted form after both are accent-folded (`fold_accents`: NFD, every
  combining mark dropped, NFC), so `cafe` for `café`, `еж` for `ёж` and `senor` for `señor`
  are ALMOST at any length: an accent is not an edit.
* Then an edit distance (optimal string alignment: insert, delete, substitute, swap of
  neighbours; rapidfuzz) of 1 is allowed when the accepted form has 5–8 letters and 2 when
  it has 9 or more; with 4 or fewer only the accent-folded form must be equal. "Letters"
  counts the folded form's letters and digits, not spaces or punctuation, so `(to) run`'s
  form `to run` has 5.
* The spelling shown for ALMOST is the alternative as written in the card (trimmed, single
  spaced, parentheses kept): for `run, (to) sprint` and `sprnt` it is `(to) sprint`; when
  the answer matched the whole side, the whole side. Among several close forms the nearest
  wins, ties going to the earlier alternative.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from itertools import product

from rapidfuzz.distance import OSA

__all__ = [
    "MAX_OPTIONAL_PARTS",
    "AnswerCheck",
    "Verdict",
    "accepted_answers",
    "allowed_edits",
    "check_answer",
    "fold_accents",
    "is_correct",
    "normalize_answer",
]

MAX_OPTIONAL_PARTS = 5

_TRAILING_PUNCTUATION = ".!?, "
_OPTIONAL_PART = re.compile(r"\(([^()]*)\)")
_SPACE_BEFORE_COMMA = re.compile(r"\s+,")


def normalize_answer(text: str) -> str:
    """`text` trimmed, case-folded, NFC, single-spaced and without trailing `.!?,`."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).casefold())
    return " ".join(folded.split()).rstrip(_TRAILING_PUNCTUATION)


def accepted_answers(expected: str) -> frozenset[str]:
    """Every normalised answer accepted for the `expected` side; empty if it normalises to empty."""
    if not normalize_answer(expected):
        return frozenset()
    candidates = [expected, *_alternatives(expected)]
    accepted = {normalize_answer(variant) for text in candidates for variant in _variants(text)}
    accepted.discard("")
    return frozenset(accepted)


def is_correct(answer: str, expected: str) -> bool:
    """Whether the typed `answer` matches the `expected` side of the card."""
    normalized = normalize_answer(answer)
    return bool(normalized) and normalized in accepted_answers(expected)


class Verdict(StrEnum):
    EXACT = "exact"
    ALMOST = "almost"
    WRONG = "wrong"


@dataclass(frozen=True, slots=True)
class AnswerCheck:
    """How a typed answer fared; `accepted` is the card's spelling to show when ALMOST."""

    verdict: Verdict
    accepted: str | None = None

    @property
    def correct(self) -> bool:
        return self.verdict is not Verdict.WRONG


def fold_accents(text: str) -> str:
    """`text` without combining marks (NFD, marks dropped, NFC): `Café` is `Cafe`."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped)


def allowed_edits(accepted_form: str) -> int:
    """Edits forgiven for an accepted form by its count of letters (and digits)."""
    letters = sum(1 for char in accepted_form if char.isalnum())
    if letters >= 9:
        return 2
    if letters >= 5:
        return 1
    return 0


def check_answer(answer: str, expected: str) -> AnswerCheck:
    """EXACT per §5, ALMOST within accents and the length-scaled edits of §13, else WRONG."""
    normalized = normalize_answer(answer)
    if not normalized:
        return AnswerCheck(Verdict.WRONG)
    if normalized in accepted_answers(expected):
        return AnswerCheck(Verdict.EXACT)
    folded = fold_accents(normalized)
    best: tuple[int, str] | None = None
    for form, shown in _forms_with_spelling(expected):
        target = fold_accents(form)
        limit = allowed_edits(target)
        distance = OSA.distance(folded, target, score_cutoff=limit)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, shown)
    if best is None:
        return AnswerCheck(Verdict.WRONG)
    return AnswerCheck(Verdict.ALMOST, best[1])


def _forms_with_spelling(expected: str) -> list[tuple[str, str]]:
    """(normalised accepted form, the written alternative it came from), whole side last."""
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for text in [*_alternatives(expected), expected]:
        shown = " ".join(text.split())
        for variant in sorted(_variants(text)):
            form = normalize_answer(variant)
            if form and form not in seen:
                seen.add(form)
                pairs.append((form, shown))
    return pairs


def _alternatives(expected: str) -> list[str]:
    """The comma-separated parts of `expected`, ignoring commas inside parentheses."""
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(expected):
        if char == "(":
            depth += 1
        elif char == ")" and depth > 0:
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(expected[start:index])
            start = index + 1
    parts.append(expected[start:])
    return parts


def _variants(text: str) -> set[str]:
    """`text` with each parenthesized part omitted, unwrapped or kept (before normalising)."""
    pieces = _OPTIONAL_PART.split(text)
    literals, optional = pieces[0::2], pieces[1::2]
    if not optional:
        return {text}
    if len(optional) <= MAX_OPTIONAL_PARTS:
        choices = list(product(*(("", part, f"({part})") for part in optional)))
    else:
        omitted = tuple("" for _ in optional)
        choices = [omitted, tuple(optional), tuple(f"({part})" for part in optional)]
    variants = {_interleave(literals, chosen) for chosen in choices}
    # An omitted part can leave a space before a comma: `(to) run (fast), sprint` → `to run, sprint`.
    return variants | {_SPACE_BEFORE_COMMA.sub(",", variant) for variant in variants}


def _interleave(literals: list[str], chosen: tuple[str, ...]) -> str:
    pieces = [literals[0]]
    for part, literal in zip(chosen, literals[1:], strict=True):
        pieces.extend((part, literal))
    return "".join(pieces)
