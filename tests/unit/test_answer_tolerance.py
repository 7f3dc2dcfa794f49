"""Forgiving typed answers (SPEC §13): accents ignored, one or two edits by length."""

from __future__ import annotations

import pytest

from wordbot.domain.answers import (
    AnswerCheck,
    Verdict,
    allowed_edits,
    check_answer,
    fold_accents,
    is_correct,
)
from wordbot.rendering.game import almost_mark, almost_prompt

EXACT = AnswerCheck(Verdict.EXACT)
WRONG = AnswerCheck(Verdict.WRONG)


def almost(spelling: str) -> AnswerCheck:
    return AnswerCheck(Verdict.ALMOST, spelling)


@pytest.mark.parametrize(
    ("answer", "expected", "check"),
    [
        # §5 alone: exact
        pytest.param("casa", "casa", EXACT, id="exact"),
        pytest.param(" CASA. ", "casa", EXACT, id="normalised_is_exact"),
        pytest.param("run", "(to) run", EXACT, id="optional_part_is_exact"),
        pytest.param("sprint", "run, sprint", EXACT, id="alternative_is_exact"),
        # accents, at any length
        pytest.param("cafe", "café", almost("café"), id="missing_accent_short_word"),
        pytest.param("café", "cafe", almost("cafe"), id="extra_accent"),
        pytest.param("ecole", "École", almost("École"), id="accent_and_case"),
        pytest.param("еж", "ёж", almost("ёж"), id="cyrillic_yo_folds_to_ye"),
        pytest.param("senor", "señor", almost("señor"), id="tilde"),
        pytest.param("a", "à", almost("à"), id="one_letter_accent"),
        # typos by length of the accepted form
        pytest.param("telefon", "telefono", almost("telefono"), id="telefon_for_telefono"),
        pytest.param("cas", "casa", WRONG, id="cas_for_casa_4_letters_exact_only"),
        pytest.param("csaa", "casa", WRONG, id="swap_in_4_letters_rejected"),
        pytest.param("hous", "house", almost("house"), id="5_letters_one_deletion"),
        pytest.param("hoose", "house", almost("house"), id="5_letters_one_substitution"),
        pytest.param("huose", "house", almost("house"), id="5_letters_swap_is_one_edit"),
        pytest.param("hose", "house", almost("house"), id="5_letters_delete"),
        pytest.param("hse", "house", WRONG, id="5_letters_two_edits_rejected"),
        pytest.param("elefant", "elephant", WRONG, id="8_letters_two_edits_rejected"),
        pytest.param("elephnt", "elephant", almost("elephant"), id="8_letters_one_edit"),
        pytest.param("elefhant", "elephant", almost("elephant"), id="8_letters_substitution"),
        pytest.param("beautifl", "beautiful", almost("beautiful"), id="9_letters_one_edit"),
        pytest.param("baeutifl", "beautiful", almost("beautiful"), id="9_letters_swap_and_delete"),
        pytest.param("btfl", "beautiful", WRONG, id="9_letters_five_edits_rejected"),
        pytest.param("beuatfl", "beautiful", WRONG, id="9_letters_three_edits_rejected"),
        pytest.param("télefon", "teléfono", almost("teléfono"), id="accents_plus_one_edit"),
        # alternatives, parentheses
        pytest.param("sprnt", "run, sprint", almost("sprint"), id="typo_in_second_alternative"),
        pytest.param("sprnt", "run, (to) sprint", almost("(to) sprint"), id="shows_the_part"),
        pytest.param("to sprnt", "(to) sprint", almost("(to) sprint"), id="typo_with_kept_part"),
        pytest.param("hablr", "(to) hablar", almost("(to) hablar"), id="typo_with_omitted_part"),
        pytest.param("telefon", "phone, teléfono", almost("teléfono"), id="accented_alternative"),
        pytest.param(
            "run sprint", "run, sprint", almost("run, sprint"), id="whole_side_missing_comma"
        ),
        pytest.param("dog", "run, sprint", WRONG, id="unrelated"),
        # nothing forgiven for an empty answer or side
        pytest.param("", "casa", WRONG, id="empty_answer"),
        pytest.param("?!", "house", WRONG, id="punctuation_answer"),
        pytest.param("casa", "", WRONG, id="empty_side"),
        pytest.param("a", "()", WRONG, id="empty_parentheses_side"),
    ],
)
def test_check_answer(answer: str, expected: str, check: AnswerCheck) -> None:
    assert check_answer(answer, expected) == check


@pytest.mark.parametrize(
    ("form", "edits"),
    [
        ("casa", 0),
        ("house", 1),
        ("elephant", 1),
        ("beautiful", 2),
        ("to run", 1),  # 5 letters: the space does not count
        ("a b c d", 0),
        ("12345", 1),
        ("", 0),
    ],
)
def test_allowed_edits_by_letters(form: str, edits: int) -> None:
    assert allowed_edits(form) == edits


def test_is_correct_stays_the_exact_rule_of_section_5() -> None:
    assert is_correct("casa", "casa")
    assert not is_correct("cafe", "café")
    assert not is_correct("telefon", "telefono")


def test_correct_means_exact_or_almost() -> None:
    assert check_answer("casa", "casa").correct
    assert check_answer("telefon", "telefono").correct
    assert not check_answer("cas", "casa").correct


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Café", "Cafe"), ("ёж", "еж"), ("Straße", "Straße"), ("e\u0301", "e"), ("日本", "日本")],
)
def test_fold_accents(text: str, folded: str) -> None:
    assert fold_accents(text) == folded


def test_almost_mark_shows_the_exact_spelling_escaped() -> None:
    assert almost_mark("casa") == "✅ Almost: <b>casa</b>"
    assert almost_mark("<b>&") == "✅ Almost: <b>&lt;b&gt;&amp;</b>"


def test_almost_prompt_is_the_correct_edit_with_the_spelling() -> None:
    assert almost_prompt("house", "casa", "casa") == (
        "house — <tg-spoiler>casa</tg-spoiler> ✅ Almost: <b>casa</b>"
    )
