"""/words (SPEC §13): the reducer over every screen and press, the delete confirmation's
expiry, typed edits, callback data, and each screen's rendering."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wordbot.callback_data import MAX_CALLBACK_BYTES, decode_callback
from wordbot.domain.pairs import MAX_SIDE_CHARS
from wordbot.domain.srs import CardState
from wordbot.domain.word_list import CardDetails, EditOutcome, WordsItem, WordsPage
from wordbot.domain.words_menu import (
    DELETE_CONFIRM_TTL,
    EDIT_INPUT_TTL,
    DeletePair,
    EditPair,
    EditProblem,
    Notice,
    Press,
    ResetPair,
    Screen,
    SetSuspended,
    Verb,
    WordsResult,
    WordsView,
    apply_edit_text,
    apply_press,
    card_gone,
    edit_applied,
    encode_action,
    open_words,
    parse_action,
    valid_verbs,
    view_from_json,
    view_to_json,
)
from wordbot.rendering import words as render
from wordbot.rendering.words import WORDS_SCOPE

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
TOKEN = "Ab3_-xYz"
PAIR = 4242
LIST = WordsView(Screen.LIST, query="ca", page=2)
CARD = WordsView(Screen.CARD, query="ca", page=2, pair_id=PAIR)
CONFIRM = WordsView(
    Screen.CONFIRM_DELETE, query="ca", page=2, pair_id=PAIR, deadline=NOW + DELETE_CONFIRM_TTL
)
EDIT = WordsView(Screen.EDIT, query="ca", page=2, pair_id=PAIR, deadline=NOW + EDIT_INPUT_TTL)
ALL_VIEWS = [LIST, CARD, CONFIRM, EDIT]
ALL_ACTIONS = [encode_action(verb, 7 if verb in (Verb.PAGE, Verb.OPEN) else None) for verb in Verb]


# --- actions in callback data ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("verb", "argument", "action"),
    [
        (Verb.PAGE, 0, "p0"),
        (Verb.PAGE, 35, "pz"),
        (Verb.PAGE, 36, "p10"),
        (Verb.OPEN, 2**63 - 1, "o1y2p0ij32e8e7"),
        (Verb.DELETE, None, "del"),
        (Verb.CONFIRM, None, "yes"),
        (Verb.NOOP, None, "noop"),
    ],
)
def test_actions_round_trip(verb: Verb, argument: int | None, action: str) -> None:
    assert encode_action(verb, argument) == action
    assert parse_action(action) == Press(verb, argument)


@pytest.mark.parametrize(
    "action",
    ["", "p", "o", "p-1", "pA", "p01", "x1", "o" + "1" * 16, "delete", "DEL", "o1_", "yes1"],
)
def test_malformed_actions_are_refused(action: str) -> None:
    assert parse_action(action) is None


@pytest.mark.parametrize(("verb", "argument"), [(Verb.PAGE, None), (Verb.BACK, 3), (Verb.OPEN, -1)])
def test_encoding_a_wrong_argument_is_an_error(verb: Verb, argument: int | None) -> None:
    with pytest.raises(ValueError):
        encode_action(verb, argument)


def test_every_button_fits_telegrams_64_bytes_and_decodes() -> None:
    page = WordsPage(
        items=tuple(WordsItem(2**63 - 1 - n, "w" * 200, "ж" * 200) for n in range(10)),
        page=500,
        page_count=2000,
        total=20_000,
    )
    card = _card(suspended=False)
    keyboards = [
        render.list_keyboard(page, TOKEN),
        render.card_keyboard(card, TOKEN),
        render.card_keyboard(_card(suspended=True), TOKEN),
        render.confirm_delete_keyboard(TOKEN),
        render.edit_request_keyboard(TOKEN),
    ]
    for keyboard in keyboards:
        for row in keyboard:
            for button in row:
                assert len(button.data.encode()) <= MAX_CALLBACK_BYTES
                data = decode_callback(button.data)
                assert data is not None and data.scope == WORDS_SCOPE and data.token == TOKEN
                assert parse_action(data.action) is not None


# --- the reducer -----------------------------------------------------------------------------


def test_words_opens_the_first_page_searched_by_the_text() -> None:
    assert open_words(None) == WordsView(Screen.LIST)
    assert open_words("   ") == WordsView(Screen.LIST)
    assert open_words("  casa ") == WordsView(Screen.LIST, query="casa")
    assert open_words("x" * 5000).query == "x" * MAX_SIDE_CHARS


@pytest.mark.parametrize(
    ("view", "action", "expected"),
    [
        pytest.param(LIST, "p3", WordsResult(WordsView(Screen.LIST, "ca", 3)), id="next_page"),
        pytest.param(LIST, "p0", WordsResult(WordsView(Screen.LIST, "ca", 0)), id="first_page"),
        pytest.param(LIST, "noop", WordsResult(LIST), id="page_counter"),
        pytest.param(LIST, encode_action(Verb.OPEN, PAIR), WordsResult(CARD), id="open_card"),
        pytest.param(CARD, "back", WordsResult(LIST), id="back_to_the_same_page"),
        pytest.param(CARD, "edit", WordsResult(EDIT), id="edit_asks_for_the_text"),
        pytest.param(CARD, "del", WordsResult(CONFIRM), id="delete_asks_to_confirm"),
        pytest.param(CARD, "reset", WordsResult(CARD, ResetPair(PAIR), Notice.RESET), id="reset"),
        pytest.param(
            CARD,
            "susp",
            WordsResult(CARD, SetSuspended(PAIR, True), Notice.SUSPENDED),
            id="suspend",
        ),
        pytest.param(
            CARD,
            "unsusp",
            WordsResult(CARD, SetSuspended(PAIR, False), Notice.UNSUSPENDED),
            id="unsuspend",
        ),
        pytest.param(
            CONFIRM, "yes", WordsResult(LIST, DeletePair(PAIR), Notice.DELETED), id="confirmed"
        ),
        pytest.param(CONFIRM, "no", WordsResult(CARD), id="cancelled"),
        pytest.param(EDIT, "back", WordsResult(CARD), id="edit_cancelled"),
    ],
)
def test_press(view: WordsView, action: str, expected: WordsResult) -> None:
    assert apply_press(view, action, NOW) == expected


@pytest.mark.parametrize("view", ALL_VIEWS, ids=lambda view: view.screen.value)
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_only_the_shown_screens_buttons_count(view: WordsView, action: str) -> None:
    press = parse_action(action)
    result = apply_press(view, action, NOW)
    if press.verb in valid_verbs(view.screen):
        assert result is not None
    else:
        assert result is None


@pytest.mark.parametrize("action", ["", "garbage", "p", "wd:p1:x", "o-5", "yes!"])
def test_unknown_actions_are_refused_everywhere(action: str) -> None:
    for view in ALL_VIEWS:
        assert apply_press(view, action, NOW) is None


def test_a_double_confirm_deletes_once() -> None:
    first = apply_press(CONFIRM, "yes", NOW)
    assert first.write == DeletePair(PAIR)
    assert apply_press(first.view, "yes", NOW) is None


@pytest.mark.parametrize(
    ("after", "deleted"),
    [
        (timedelta(0), True),
        (DELETE_CONFIRM_TTL - timedelta(seconds=1), True),
        (DELETE_CONFIRM_TTL, True),
        (DELETE_CONFIRM_TTL + timedelta(seconds=1), False),
        (timedelta(days=3), False),
    ],
)
def test_the_delete_confirmation_expires_after_ten_minutes(after: timedelta, deleted: bool) -> None:
    shown = apply_press(CARD, "del", NOW).view
    result = apply_press(shown, "yes", NOW + after)
    if deleted:
        assert result == WordsResult(LIST, DeletePair(PAIR), Notice.DELETED)
    else:
        assert result == WordsResult(CARD, None, Notice.CONFIRM_EXPIRED)


def test_a_confirmation_without_a_deadline_counts_as_expired() -> None:
    view = WordsView(Screen.CONFIRM_DELETE, pair_id=PAIR)
    assert apply_press(view, "yes", NOW).write is None


# --- typed edits -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("house, casa", WordsResult(CARD, EditPair(PAIR, "house", "casa")), id="comma"),
        pytest.param(
            "  house ;  casa  ", WordsResult(CARD, EditPair(PAIR, "house", "casa")), id="semicolon"
        ),
        pytest.param("house\tcasa", WordsResult(CARD, EditPair(PAIR, "house", "casa")), id="tab"),
        pytest.param("<b>&, x", WordsResult(CARD, EditPair(PAIR, "<b>&", "x")), id="html_kept_raw"),
        pytest.param(
            "\n\nhouse, casa\n",
            WordsResult(CARD, EditPair(PAIR, "house", "casa")),
            id="blank_lines",
        ),
        pytest.param("", WordsResult(EDIT, problem=EditProblem.EMPTY), id="empty"),
        pytest.param("   \n ", WordsResult(EDIT, problem=EditProblem.EMPTY), id="blank"),
        pytest.param("house", WordsResult(EDIT, problem=EditProblem.INVALID), id="one_side"),
        pytest.param("house, ", WordsResult(EDIT, problem=EditProblem.INVALID), id="empty_side"),
        pytest.param(
            "x" * (MAX_SIDE_CHARS + 1) + ", casa",
            WordsResult(EDIT, problem=EditProblem.INVALID),
            id="over_long_side",
        ),
        pytest.param(
            "x" * MAX_SIDE_CHARS + ", casa",
            WordsResult(CARD, EditPair(PAIR, "x" * MAX_SIDE_CHARS, "casa")),
            id="longest_side",
        ),
        pytest.param(
            "a, b\nc, d", WordsResult(EDIT, problem=EditProblem.NOT_ONE_PAIR), id="two_pairs"
        ),
        pytest.param(
            "a, b\nc", WordsResult(EDIT, problem=EditProblem.NOT_ONE_PAIR), id="pair_and_junk"
        ),
    ],
)
def test_typed_edit(text: str, expected: WordsResult) -> None:
    assert apply_edit_text(EDIT, text, NOW) == expected


def test_malformed_quotes_give_the_parsers_reason() -> None:
    result = apply_edit_text(EDIT, '"house, casa', NOW)
    assert result.problem is EditProblem.MALFORMED and result.view == EDIT
    assert result.reason and "Line 1" in result.reason


@pytest.mark.parametrize(
    ("after", "taken"),
    [(timedelta(0), True), (EDIT_INPUT_TTL, True), (EDIT_INPUT_TTL + timedelta(seconds=1), False)],
)
def test_an_edit_is_taken_only_within_five_minutes(after: timedelta, taken: bool) -> None:
    result = apply_edit_text(EDIT, "house, casa", NOW + after)
    assert (result is not None) is taken


@pytest.mark.parametrize("view", [LIST, CARD, CONFIRM], ids=lambda view: view.screen.value)
def test_a_text_is_an_edit_only_while_the_edit_request_is_shown(view: WordsView) -> None:
    assert apply_edit_text(view, "house, casa", NOW) is None


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (EditOutcome.EDITED, WordsResult(CARD, notice=Notice.EDITED)),
        (EditOutcome.WORD1_TAKEN, WordsResult(EDIT, notice=Notice.WORD1_TAKEN)),
        (EditOutcome.NOT_FOUND, WordsResult(LIST, notice=Notice.CARD_GONE)),
    ],
)
def test_what_follows_the_stored_edit(outcome: EditOutcome, expected: WordsResult) -> None:
    assert edit_applied(EDIT, outcome) == expected


def test_a_card_that_is_gone_brings_the_list_back() -> None:
    assert card_gone(CARD) == WordsResult(LIST, notice=Notice.CARD_GONE)


@pytest.mark.parametrize("view", [*ALL_VIEWS, WordsView()], ids=lambda view: view.screen.value)
def test_views_round_trip_through_json(view: WordsView) -> None:
    import json

    assert view_from_json(json.loads(json.dumps(view_to_json(view)))) == view


# --- rendering -------------------------------------------------------------------------------


def _card(suspended: bool | None = False, **changes) -> CardDetails:
    fields = dict(
        pair_id=PAIR,
        word1="<b>&house",
        word2="casa",
        state=CardState.REVIEW,
        due_at=datetime(2026, 5, 4, 23, 30, tzinfo=UTC),
        reps=4,
        lapses=1,
        suspended=suspended,
    )
    return CardDetails(**{**fields, **changes})


def _page(count: int, page: int = 0, page_count: int = 1, total: int | None = None) -> WordsPage:
    items = tuple(WordsItem(n + 1, f"word{n}", f"slovo{n}") for n in range(count))
    return WordsPage(items, page, page_count, count if total is None else total)


def _buttons(keyboard) -> list[tuple[str, str]]:
    return [
        (button.text, decode_callback(button.data).action) for row in keyboard for button in row
    ]


def test_the_list_shows_the_page_and_one_button_per_pair() -> None:
    page = _page(10, page=1, page_count=3, total=25)
    text = render.list_text(page, None)
    assert text.startswith("📚 Your words: 25 · page 2 of 3")
    assert "11. word0 — slovo0" in text and "20. word9 — slovo9" in text
    buttons = _buttons(render.list_keyboard(page, TOKEN))
    assert buttons[:2] == [("word0 — slovo0", "o1"), ("word1 — slovo1", "o2")]
    assert buttons[-3:] == [("‹", "p0"), ("2/3", "noop"), ("›", "p2")]


def test_the_first_and_last_pages_have_one_arrow() -> None:
    first = _buttons(render.list_keyboard(_page(10, 0, 2, 15), TOKEN))
    last = _buttons(render.list_keyboard(_page(5, 1, 2, 15), TOKEN))
    assert first[-2:] == [("1/2", "noop"), ("›", "p1")]
    assert last[-2:] == [("‹", "p0"), ("2/2", "noop")]


def test_a_single_page_has_no_arrows() -> None:
    text = render.list_text(_page(3), None)
    assert "page" not in text
    assert [action for _, action in _buttons(render.list_keyboard(_page(3), TOKEN))] == [
        "o1",
        "o2",
        "o3",
    ]


def test_long_words_are_cut_in_the_list_and_on_buttons() -> None:
    page = WordsPage((WordsItem(1, "a" * 200, "<" * 200),), 0, 1, 1)
    text = render.list_text(page, None)
    assert "a" * 39 + "…" in text and "a" * 41 not in text
    assert "&lt;" * 39 + "…" in text
    assert len(render.list_keyboard(page, TOKEN)[0][0].text) == 2 * 40 + 3


def test_search_text_is_escaped_in_the_header_and_in_no_results() -> None:
    found = render.list_text(_page(1), "<b>&")
    assert "🔎 Words containing <b>&lt;b&gt;&amp;</b>: 1" in found
    nothing = render.list_text(_page(0), "<b>&")
    assert nothing.startswith("No words contain <b>&lt;b&gt;&amp;</b>.")
    assert render.list_keyboard(_page(0), TOKEN) is None


def test_an_empty_vocabulary_says_how_to_add_words() -> None:
    assert "/add" in render.list_text(_page(0), None)


@pytest.mark.parametrize(
    ("tz", "due"),
    [
        (UTC, "2026-05-04 23:30 (UTC)"),
        (ZoneInfo("Europe/Berlin"), "2026-05-05 01:30 (Europe/Berlin)"),
        (ZoneInfo("America/New_York"), "2026-05-04 19:30 (America/New_York)"),
    ],
)
def test_the_card_shows_the_due_date_in_the_users_zone(tz, due: str) -> None:
    text = render.card_text(_card(), tz)
    assert f"Due: {due}" in text


def test_the_card_shows_both_sides_escaped_state_reviews_lapses_and_suspension() -> None:
    text = render.card_text(_card(suspended=True), UTC)
    assert text.splitlines()[0] == "<b>&lt;b&gt;&amp;house</b> — casa"
    assert "State: review" in text and "Reviews: 4 · Lapses: 1" in text
    assert "Suspended: yes" in text
    assert "Suspended: no" in render.card_text(_card(suspended=False), UTC)
    assert "Suspended" not in render.card_text(_card(suspended=None), UTC)


def test_a_new_card_is_not_scheduled() -> None:
    text = render.card_text(_card(state=CardState.NEW, due_at=None, reps=0, lapses=0), UTC)
    assert "State: new" in text and "Due: not scheduled yet" in text


@pytest.mark.parametrize(
    ("suspended", "actions"),
    [
        (False, ["edit", "del", "reset", "susp", "back"]),
        (True, ["edit", "del", "reset", "unsusp", "back"]),
        (None, ["edit", "del", "reset", "back"]),
    ],
)
def test_card_buttons(suspended, actions) -> None:
    keyboard = render.card_keyboard(_card(suspended=suspended), TOKEN)
    assert [action for _, action in _buttons(keyboard)] == actions
    assert _buttons(keyboard)[-1][0] == "« Back"


def test_the_delete_confirmation_names_the_pair() -> None:
    text = render.confirm_delete_text(_card())
    assert text.startswith("Delete <b>&lt;b&gt;&amp;house</b> — casa?")
    actions = [action for _, action in _buttons(render.confirm_delete_keyboard(TOKEN))]
    assert actions == ["yes", "no"]


def test_the_edit_request_shows_the_format_and_the_current_pair() -> None:
    text = render.edit_request_text(_card())
    assert text.startswith("Send the new pair as <code>word1, word2</code>")
    assert "<code>&lt;b&gt;&amp;house, casa</code>" in text
    assert _buttons(render.edit_request_keyboard(TOKEN)) == [("« Back", "back")]


@pytest.mark.parametrize(
    ("view", "shown"), [(LIST, _page(2)), (CARD, _card()), (CONFIRM, _card()), (EDIT, _card())]
)
def test_words_screen_renders_each_view(view: WordsView, shown) -> None:
    text, keyboard = render.words_screen(view, shown, UTC, TOKEN)
    assert text and keyboard
    with pytest.raises(TypeError):
        render.words_screen(view, "nothing", UTC, TOKEN)


@pytest.mark.parametrize("notice", list(Notice))
def test_every_notice_is_short_plain_text(notice: Notice) -> None:
    text = render.notice_text(notice)
    assert 0 < len(text) <= 200 and not re.search(r"<[a-z]", text)


@pytest.mark.parametrize("problem", list(EditProblem))
def test_every_edit_problem_has_a_hint_with_the_format(problem: EditProblem) -> None:
    assert "<code>word1, word2</code>" in render.edit_problem_text(problem, "<reason>")


def test_the_parsers_reason_is_escaped() -> None:
    assert "&lt;reason&gt;" in render.edit_problem_text(EditProblem.MALFORMED, "<reason>")


def test_word1_taken_names_the_word_escaped() -> None:
    assert "<b>&lt;b&gt;</b>" in render.word1_taken_text("<b>")


def test_words_is_in_the_command_menu_and_the_help() -> None:
    from wordbot.rendering.vocabulary import BOT_COMMANDS, help_text

    assert "words" in dict(BOT_COMMANDS)
    assert "/words – " in help_text() and "/words <i>text</i>" in help_text()
    assert len(help_text()) <= 4096


# --- rendering in the learner's language (SPEC §15) ------------------------------------------

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def test_the_russian_list_and_card_are_in_russian_with_user_data_escaped() -> None:
    page = _page(10, page=1, page_count=3, total=25)
    text = render.list_text(page, None, lang="ru")
    assert text.startswith("📚 Ваши слова: 25 · страница 2 из 3")
    assert "11. word0 — slovo0" in text
    assert text.endswith("Нажмите на пару, чтобы посмотреть, исправить или удалить её.")
    found = render.list_text(_page(1), "<b>&", lang="ru")
    assert "🔎 Слова, содержащие <b>&lt;b&gt;&amp;</b>: 1" in found
    assert render.list_text(_page(0), "<i>", lang="ru").startswith(
        "Нет слов, содержащих <b>&lt;i&gt;"
    )
    assert render.list_text(_page(0), None, lang="ru").startswith("У вас пока нет слов.")
    card = render.card_text(_card(suspended=True), ZoneInfo("Europe/Moscow"), lang="ru")
    assert card.splitlines() == [
        "<b>&lt;b&gt;&amp;house</b> — casa",
        "",
        "Состояние: на повторении",
        "Повторить: 2026-05-05 02:30 (Europe/Moscow)",
        "Повторений: 4 · Забываний: 1",
        "Отложена: да",
    ]
    new = render.card_text(_card(state=CardState.NEW, due_at=None, suspended=False), UTC, lang="ru")
    assert "Состояние: новая" in new and "Повторить: ещё не запланировано" in new
    assert "Отложена: нет" in new


@pytest.mark.parametrize(
    ("suspended", "labels"),
    [
        (False, ["✏️ Изменить", "🗑 Удалить", "↺ Сбросить", "⏸ Отложить", "« Назад"]),
        (True, ["✏️ Изменить", "🗑 Удалить", "↺ Сбросить", "▶ Вернуть", "« Назад"]),
    ],
)
def test_russian_card_buttons_keep_their_actions(suspended, labels) -> None:
    russian = _buttons(render.card_keyboard(_card(suspended=suspended), TOKEN, lang="ru"))
    english = _buttons(render.card_keyboard(_card(suspended=suspended), TOKEN))
    assert [text for text, _ in russian] == labels
    assert [action for _, action in russian] == [action for _, action in english]


def test_the_russian_confirmation_and_edit_request() -> None:
    confirm = render.confirm_delete_text(_card(), lang="ru")
    assert confirm.startswith("Удалить <b>&lt;b&gt;&amp;house</b> — casa?")
    assert _buttons(render.confirm_delete_keyboard(TOKEN, lang="ru")) == [
        ("🗑 Удалить", "yes"),
        ("Отмена", "no"),
    ]
    edit = render.edit_request_text(_card(), lang="ru")
    assert edit.startswith("Пришлите новую пару в виде <code>слово1, слово2</code>")
    assert "<code>&lt;b&gt;&amp;house, casa</code>" in edit
    assert _buttons(render.edit_request_keyboard(TOKEN, lang="ru")) == [("« Назад", "back")]


@pytest.mark.parametrize(("view", "shown"), [(LIST, _page(2)), (CARD, _card()), (CONFIRM, _card())])
def test_words_screen_passes_the_language_on(view: WordsView, shown) -> None:
    text, keyboard = render.words_screen(view, shown, UTC, TOKEN, lang="ru")
    english, _ = render.words_screen(view, shown, UTC, TOKEN)
    assert _CYRILLIC.search(text) and text != english
    assert keyboard


@pytest.mark.parametrize("notice", list(Notice))
def test_every_notice_is_translated(notice: Notice) -> None:
    text = render.notice_text(notice, lang="ru")
    assert _CYRILLIC.search(text) and not re.search(r"<[a-z]", text)


@pytest.mark.parametrize("problem", list(EditProblem))
def test_every_edit_problem_is_translated_and_escapes_the_reason(problem: EditProblem) -> None:
    text = render.edit_problem_text(problem, "<reason>", lang="ru")
    assert "<code>слово1, слово2</code>" in text and _CYRILLIC.search(text)
    assert "<reason>" not in text
    assert "<b>&lt;b&gt;</b>" in render.word1_taken_text("<b>", lang="ru")


def test_an_unsupported_language_reads_as_english() -> None:
    assert render.list_text(_page(1), None, lang="xx") == render.list_text(_page(1), None)


def test_a_malformed_edit_is_explained_in_the_learners_language() -> None:
    result = apply_edit_text(EDIT, '"house, casa', NOW)
    assert result.input_reason is not None and result.input_reason.line == 1
    russian = render.edit_problem_text(result.problem, result.input_reason, lang="ru")
    assert russian.startswith("Не удалось прочитать. Строка 1: кавычка открыта, но не закрыта.")
    english = render.edit_problem_text(result.problem, result.input_reason)
    assert english == render.edit_problem_text(result.problem, result.reason)
