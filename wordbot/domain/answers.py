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
"""

from __future__ import annotations

import re
import unicodedata
from itertools import product

__all__ = ["MAX_OPTIONAL_PARTS", "accepted_answers", "is_correct", "normalize_answer"]

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
