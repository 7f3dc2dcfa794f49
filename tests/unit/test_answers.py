"""Matching typed /game answers (SPEC §5): normalising, alternatives, optional parentheses."""

import unicodedata

import pytest

from wordbot.domain.answers import (
    MAX_OPTIONAL_PARTS,
    accepted_answers,
    is_correct,
    normalize_answer,
)

E_ACUTE_COMPOSED = "\u00e9"
E_ACUTE_DECOMPOSED = "e\u0301"

# --- normalize_answer -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("  run  ", "run", id="trimmed"),
        pytest.param("to   run\tfast\n", "to run fast", id="whitespace_runs_collapse"),
        pytest.param("la\u00a0casa", "la casa", id="no_break_space_is_whitespace"),
        pytest.param("RUN", "run", id="case_folded"),
        pytest.param("ÉCOLE", "école", id="accented_capital_folded"),
        pytest.param("Straße", "strasse", id="sharp_s_folds_to_ss"),
        pytest.param("ДОМ", "дом", id="cyrillic_folded"),
        pytest.param("ΛΌΓΟΣ", "λόγοσ", id="greek_capital_sigma"),
        pytest.param("λόγος", "λόγοσ", id="greek_final_sigma"),
        pytest.param(f"caf{E_ACUTE_DECOMPOSED}", f"caf{E_ACUTE_COMPOSED}", id="nfc_composed"),
        pytest.param("run.", "run", id="trailing_full_stop"),
        pytest.param("run!?!", "run", id="several_trailing_marks"),
        pytest.param("run . ! ,", "run", id="trailing_marks_with_spaces_between"),
        pytest.param("it's", "it's", id="apostrophe_kept"),
        pytest.param("a.m. time", "a.m. time", id="internal_dots_kept"),
        pytest.param("run, sprint", "run, sprint", id="internal_comma_kept"),
        pytest.param("¿Qué?", "¿qué", id="leading_mark_kept"),
        pytest.param("<B>&", "<b>&", id="html_characters_are_plain_text"),
        pytest.param("🐈 CAT", "🐈 cat", id="emoji_kept"),
        pytest.param("", "", id="empty"),
        pytest.param(" \t ", "", id="blank"),
        pytest.param("?!.", "", id="only_punctuation"),
    ],
)
def test_normalize_answer(text: str, expected: str) -> None:
    assert normalize_answer(text) == expected


def test_normalized_answers_are_nfc() -> None:
    assert unicodedata.is_normalized("NFC", normalize_answer(f"ÉCOLE {E_ACUTE_DECOMPOSED}"))


# --- is_correct -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param("casa", "casa", id="exact"),
        pytest.param("  CASA.  ", "casa", id="case_spaces_and_full_stop_ignored"),
        pytest.param("ÉCOLE", "école", id="accented_case_insensitive"),
        pytest.param("STRASSE", "Straße", id="sharp_s_matches_ss"),
        pytest.param("strasse", "STRASSE", id="ss_matches_capital_ss"),
        pytest.param(f"caf{E_ACUTE_DECOMPOSED}", f"caf{E_ACUTE_COMPOSED}", id="decomposed_accent"),
        pytest.param(
            f"CAF{E_ACUTE_COMPOSED.upper()}",
            f"caf{E_ACUTE_DECOMPOSED}",
            id="composed_vs_decomposed",
        ),
        pytest.param("ДОМ", "дом", id="cyrillic_case"),
        pytest.param("ЁЖ", "ёж", id="cyrillic_yo_case"),
        pytest.param("ΛΌΓΟΣ", "λόγος", id="greek_final_sigma"),
        pytest.param("🐈", "🐈", id="emoji"),
        pytest.param("i ❤️ you", "I ❤️ YOU", id="emoji_inside_text"),
        pytest.param("<b>&", "<B>&", id="html_characters_compared_as_text"),
        pytest.param("it's", "It's", id="apostrophe"),
        pytest.param("good   morning!", "Good morning", id="collapsed_spaces_and_exclamation"),
        pytest.param("run", "run, sprint", id="first_alternative"),
        pytest.param("sprint", "run, sprint", id="second_alternative"),
        pytest.param("Run, Sprint.", "run, sprint", id="whole_side"),
        pytest.param("run", "(to) run", id="parenthesized_part_omitted"),
        pytest.param("to run", "(to) run", id="parenthesized_part_without_parentheses"),
        pytest.param("(to) run", "(to) run", id="parenthesized_part_as_written"),
        pytest.param("la casa", "la casa (f)", id="trailing_part_omitted"),
        pytest.param("la casa (f)", "la casa (f)", id="trailing_part_kept"),
        pytest.param("runs", "run(s)", id="part_without_space"),
        pytest.param("run", "(to) run (fast)", id="both_parts_omitted"),
        pytest.param("to run", "(to) run (fast)", id="first_part_kept"),
        pytest.param("run fast", "(to) run (fast)", id="second_part_kept"),
        pytest.param("to run fast", "(to) run (fast)", id="both_parts_kept"),
        pytest.param("a c", "a (b) c", id="middle_part_omitted"),
        pytest.param("run", "(to) run, sprint", id="alternative_with_part_omitted"),
        pytest.param("to run", "(to) run, sprint", id="alternative_with_part_kept"),
        pytest.param("sprint", "(to) run, (to) sprint", id="second_alternative_part_omitted"),
        pytest.param(
            "to run, sprint", "(to) run (fast), sprint", id="whole_side_with_part_omitted"
        ),
        pytest.param("run", "run (fast, quick)", id="comma_inside_parentheses_is_optional_part"),
        pytest.param("la casa", "LA CASA (F), el hogar", id="casefolded_alternatives_with_parts"),
        pytest.param("дом", "(мой) дом, жильё", id="cyrillic_alternatives_with_parts"),
    ],
)
def test_accepted_answers(answer: str, expected: str) -> None:
    assert is_correct(answer, expected)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param("cafe", "café", id="missing_accent"),
        pytest.param("café", "cafe", id="extra_accent"),
        pytest.param("ecole", "ÉCOLE", id="missing_accent_on_capital"),
        pytest.param("еж", "ёж", id="cyrillic_ye_is_not_yo"),
        pytest.param("dom", "дом", id="transliteration"),
        pytest.param("&lt;b&gt;&amp;", "<b>&", id="escaped_html_is_not_the_text"),
        pytest.param("its", "it's", id="internal_punctuation_matters"),
        pytest.param("goodmorning", "good morning", id="space_inside_matters"),
        pytest.param("run sprint", "run, sprint", id="alternatives_need_the_comma"),
        pytest.param("fast", "(to) run (fast)", id="part_alone_is_not_the_answer"),
        pytest.param("to", "(to) run", id="only_the_optional_part"),
        pytest.param("run", "running", id="prefix"),
        pytest.param("🐕", "🐈", id="different_emoji"),
        pytest.param("", "run", id="empty_answer"),
        pytest.param("   ", "run", id="blank_answer"),
        pytest.param("?!", "run", id="punctuation_only_answer"),
        pytest.param("", "", id="empty_answer_for_empty_side"),
        pytest.param("", "?", id="empty_answer_for_punctuation_side"),
        pytest.param("?", "?", id="punctuation_side_accepts_nothing"),
        pytest.param("", "()", id="empty_answer_for_empty_parentheses"),
        pytest.param("", "run, ", id="empty_answer_for_empty_alternative"),
    ],
)
def test_rejected_answers(answer: str, expected: str) -> None:
    assert not is_correct(answer, expected)


@pytest.mark.parametrize(
    ("expected", "accepted"),
    [
        pytest.param("Casa", {"casa"}, id="single_word"),
        pytest.param("run, sprint", {"run", "sprint", "run, sprint"}, id="alternatives"),
        pytest.param("(to) run", {"run", "to run", "(to) run"}, id="optional_part"),
        pytest.param("la casa (f)", {"la casa", "la casa f", "la casa (f)"}, id="trailing_part"),
        pytest.param("run, , sprint", {"run", "sprint", "run, , sprint"}, id="empty_alternative"),
        pytest.param("run (to", {"run (to"}, id="unbalanced_parenthesis_is_literal"),
        pytest.param("", set(), id="empty_side"),
        pytest.param("  ", set(), id="blank_side"),
        pytest.param(". , !", set(), id="punctuation_side"),
    ],
)
def test_accepted_answers_sets(expected: str, accepted: set[str]) -> None:
    assert accepted_answers(expected) == frozenset(accepted)


def test_accepted_answers_are_normalized() -> None:
    for form in accepted_answers("(TO) Run (Fast), Sprint!, Straße"):
        assert form == normalize_answer(form)
        assert form


def test_every_optional_part_combination_is_accepted_up_to_the_limit() -> None:
    expected = "w " + " ".join(f"({letter})" for letter in "abcde"[:MAX_OPTIONAL_PARTS])
    assert len(accepted_answers(expected)) == 3**MAX_OPTIONAL_PARTS
    assert is_correct("w a c e", expected)


def test_many_optional_parts_accept_all_omitted_bare_or_as_written() -> None:
    expected = "w" + "".join(f" ({n})" for n in range(MAX_OPTIONAL_PARTS + 5))
    numbers = " ".join(str(n) for n in range(MAX_OPTIONAL_PARTS + 5))
    assert accepted_answers(expected) == frozenset(
        {"w", f"w {numbers}", normalize_answer(expected)}
    )
