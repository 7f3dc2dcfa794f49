"""/settings §15 screens: Timezone (typed name or local time, zone buttons), own reminder times,
Language; their reducer outcomes and their texts in English and Russian."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time

import pytest

from wordbot.callback_data import MAX_CALLBACK_BYTES, decode_callback
from wordbot.domain.reminder_times import ReminderTime, TimeRefusal
from wordbot.domain.settings_menu import (
    NOTICE_CARDS_MIN,
    NOTICE_TOO_MANY_TIMES,
    LearnerSettings,
    Screen,
    ZoneRefusal,
    apply_button,
    apply_text,
    remove_time_action,
    toggle_time_action,
    zone_action,
)
from wordbot.domain.timezones import COMMON_ZONES
from wordbot.rendering.dates import format_local_date, format_local_datetime
from wordbot.rendering.settings import menu_keyboard, menu_text, settings_notice
from wordbot.rendering.vocabulary import BOT_COMMANDS, command_menu

DEFAULTS = LearnerSettings()
NOW = datetime(2026, 1, 5, 11, 34, 20, tzinfo=UTC)
TOKEN = "Ab3_-xYz"
FIVE = tuple(ReminderTime(time(hour)) for hour in (7, 8, 9, 10, 11))


def _labels(settings: LearnerSettings, screen: Screen, **kwargs) -> list[list[str]]:
    keyboard = menu_keyboard(settings, screen, TOKEN, **kwargs)
    assert keyboard is not None
    return [[button.text for button in row] for row in keyboard]


def _actions(settings: LearnerSettings, screen: Screen, **kwargs) -> list[str]:
    keyboard = menu_keyboard(settings, screen, TOKEN, **kwargs)
    assert keyboard is not None
    return [decode_callback(button.data).action for row in keyboard for button in row]


# --- Timezone: typed text -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("Berlin", "Europe/Berlin"), ("europe/berlin", "Europe/Berlin"), ("kolkata", "Asia/Kolkata"),
     ("New York", "America/New_York"), ("utc", "UTC")],
)  # fmt: skip
def test_typing_a_zone_name_sets_it(typed: str, zone: str) -> None:
    before = replace(DEFAULTS, zone="Asia/Tokyo")
    result = apply_text(before, Screen.TIMEZONE, typed, NOW)
    assert result is not None and result.changed
    assert (result.settings.zone, result.screen, result.refusal) == (zone, Screen.TIMEZONE, None)


@pytest.mark.parametrize(
    "typed", ["Atlantis", "<b>Berlin</b>", "", "x" * 4000, "Berlin; DROP TABLE"]
)
def test_an_unknown_zone_gets_a_hint_and_changes_nothing(typed: str) -> None:
    result = apply_text(DEFAULTS, Screen.TIMEZONE, typed, NOW)
    assert result is not None and not result.changed
    assert result.settings == DEFAULTS
    assert result.refusal is ZoneRefusal.UNKNOWN_ZONE
    text = menu_text(result.settings, result.screen, refusal=result.refusal, query=result.query)
    assert "<b>Berlin</b>" not in text.split("\n", 1)[1]
    assert len(text) < 1000


def test_a_typed_local_time_offers_zones_as_buttons_without_changing_anything() -> None:
    result = apply_text(DEFAULTS, Screen.TIMEZONE, "12:34", NOW)
    assert result is not None and not result.changed
    assert "Europe/Berlin" in result.offered_zones
    actions = _actions(DEFAULTS, Screen.TIMEZONE, offered_zones=result.offered_zones)
    assert zone_action("Europe/Berlin") in actions
    pressed = apply_button(DEFAULTS, Screen.TIMEZONE, zone_action("Europe/Berlin"))
    assert pressed is not None and pressed.changed and pressed.settings.zone == "Europe/Berlin"


def test_a_local_time_no_zone_shows_gets_a_hint() -> None:
    result = apply_text(DEFAULTS, Screen.TIMEZONE, "12:17", datetime(2026, 1, 5, 11, 0, tzinfo=UTC))
    assert result is not None and result.refusal is ZoneRefusal.NO_ZONE_AT_TIME


def test_a_broad_name_offers_candidates() -> None:
    result = apply_text(DEFAULTS, Screen.TIMEZONE, "buenos", NOW)
    assert result is not None and not result.changed
    assert "America/Argentina/Buenos_Aires" in result.offered_zones


@pytest.mark.parametrize(
    "screen", [Screen.HOME, Screen.CARDS, Screen.REMINDERS, Screen.LANGUAGE, Screen.CLOSED]
)
def test_screens_without_input_leave_typed_text_to_the_caller(screen: Screen) -> None:
    assert apply_text(DEFAULTS, screen, "Berlin", NOW) is None


def test_common_zone_buttons_mark_the_current_zone() -> None:
    settings = replace(DEFAULTS, zone="Asia/Tokyo")
    labels = [label for row in _labels(settings, Screen.TIMEZONE) for label in row]
    assert "• Asia/Tokyo" in labels
    assert len(labels) == len(COMMON_ZONES) + 1


@pytest.mark.parametrize(
    "action", ["zone_", "zone_Europe-Berlin", "zone_ABCDEF0123", "on_2500", "rm_0800"]
)
def test_a_forged_zone_or_time_button_on_the_timezone_screen_is_refused(action: str) -> None:
    assert apply_button(DEFAULTS, Screen.TIMEZONE, action) is None


# --- Reminders: own times -------------------------------------------------------------------


def test_the_reminders_screen_toggles_and_removes_times_by_clock_time() -> None:
    toggled = apply_button(DEFAULTS, Screen.REMINDERS, toggle_time_action(time(13)))
    assert toggled is not None and toggled.changed
    assert ReminderTime(time(13), False) in toggled.settings.reminder_times
    removed = apply_button(toggled.settings, Screen.REMINDERS, remove_time_action(time(8)))
    assert removed is not None
    assert [item.label for item in removed.settings.reminder_times] == ["13:00", "20:00"]
    assert apply_button(removed.settings, Screen.REMINDERS, remove_time_action(time(8))) is None


def test_adding_a_time_goes_through_the_add_time_screen() -> None:
    opened = apply_button(DEFAULTS, Screen.REMINDERS, "addtime")
    assert opened is not None and opened.screen is Screen.ADD_TIME
    added = apply_text(DEFAULTS, Screen.ADD_TIME, "7:30", NOW)
    assert added is not None and added.changed and added.screen is Screen.REMINDERS
    assert [item.label for item in added.settings.reminder_times] == [
        "07:30",
        "08:00",
        "13:00",
        "20:00",
    ]


@pytest.mark.parametrize(
    ("settings", "typed", "refusal"),
    [
        (DEFAULTS, "25:99", TimeRefusal.NOT_A_TIME),
        (DEFAULTS, "07:31", TimeRefusal.NOT_A_STEP),
        (DEFAULTS, "08:00", TimeRefusal.ALREADY_THERE),
        (replace(DEFAULTS, reminder_times=FIVE), "12:00", TimeRefusal.TOO_MANY),
        (DEFAULTS, "<script>", TimeRefusal.NOT_A_TIME),
    ],
)
def test_a_refused_time_keeps_the_add_time_screen_with_a_hint(
    settings: LearnerSettings, typed: str, refusal: TimeRefusal
) -> None:
    result = apply_text(settings, Screen.ADD_TIME, typed, NOW)
    assert result is not None and not result.changed
    assert (result.screen, result.refusal, result.settings) == (Screen.ADD_TIME, refusal, settings)
    text = menu_text(settings, result.screen, refusal=refusal, query=typed)
    assert "⚠️" in text and "<script>" not in text


def test_with_five_times_add_is_hidden_and_refused() -> None:
    settings = replace(DEFAULTS, reminder_times=FIVE)
    assert "＋ Add time" not in [
        label for row in _labels(settings, Screen.REMINDERS) for label in row
    ]
    result = apply_button(settings, Screen.REMINDERS, "addtime")
    assert result is not None and result.notice == NOTICE_TOO_MANY_TIMES and not result.changed


def test_the_reminders_keyboard_lists_each_time_with_its_state() -> None:
    settings = replace(
        DEFAULTS, reminder_times=(ReminderTime(time(8)), ReminderTime(time(20), False))
    )
    assert _labels(settings, Screen.REMINDERS) == [
        ["✅ 08:00", "🗑"],
        ["❌ 20:00", "🗑"],
        ["＋ Add time"],
        ["« Back"],
    ]


# --- Language -------------------------------------------------------------------------------


def test_the_language_screen_switches_language() -> None:
    opened = apply_button(DEFAULTS, Screen.HOME, "language")
    assert opened is not None and opened.screen is Screen.LANGUAGE
    switched = apply_button(DEFAULTS, Screen.LANGUAGE, "lang_ru")
    assert switched is not None and switched.changed and switched.settings.language == "ru"
    back = apply_button(switched.settings, Screen.LANGUAGE, "lang_en")
    assert back is not None and back.settings.language == "en"
    assert _labels(switched.settings, Screen.LANGUAGE, lang="ru") == [
        ["English", "• Русский"],
        ["« Назад"],
    ]


# --- every §15 keyboard ---------------------------------------------------------------------


@pytest.mark.parametrize("screen", [s for s in Screen if s is not Screen.CLOSED])
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_menu_button_is_accepted_on_its_screen_and_fits_callback_data(
    screen: Screen, lang: str
) -> None:
    keyboard = menu_keyboard(DEFAULTS, screen, "A" * 16, lang=lang)
    assert keyboard
    for button in (button for row in keyboard for button in row):
        assert len(button.data.encode()) <= MAX_CALLBACK_BYTES
        decoded = decode_callback(button.data)
        assert decoded is not None
        assert apply_button(DEFAULTS, screen, decoded.action) is not None, decoded.action


def test_home_shows_zone_times_and_language() -> None:
    settings = replace(DEFAULTS, zone="Europe/Berlin", language="ru")
    assert menu_text(settings, Screen.HOME).split("\n") == [
        "<b>Settings</b>",
        "Cards per session: 5",
        "Reminders: 08:00, 13:00, 20:00",
        "Timezone: Europe/Berlin",
        "Language: Русский",
    ]
    assert menu_text(settings, Screen.HOME, lang="ru").split("\n") == [
        "<b>Настройки</b>",
        "Карточек за сессию: 5",
        "Напоминания: 08:00, 13:00, 20:00",
        "Часовой пояс: Europe/Berlin",
        "Язык: Русский",
    ]
    assert menu_text(replace(DEFAULTS, reminder_times=()), Screen.HOME, lang="ru").split("\n")[
        2
    ] == ("Напоминания: выключены")


# --- Russian texts and plurals --------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "Не меньше 1 карточки за сессию."), (20, "Не больше 20 карточек за сессию.")],
)
def test_notices_are_translated(count: int, expected: str) -> None:
    from wordbot.domain.settings_menu import NOTICE_CARDS_MAX

    notice = NOTICE_CARDS_MIN if count == 1 else NOTICE_CARDS_MAX
    assert settings_notice(notice, lang="ru") == expected
    assert settings_notice(notice) == notice


def test_the_command_menu_exists_in_each_language() -> None:
    assert command_menu("en") == list(BOT_COMMANDS)
    russian = command_menu("ru")
    assert [name for name, _ in russian] == [name for name, _ in BOT_COMMANDS]
    assert dict(russian)["review"] == "Повторить карточки"
    assert command_menu("de") == list(BOT_COMMANDS)


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "lang", "expected"),
    [
        ("Europe/Berlin", "en", "Jan 5, 2026, 20:00"),
        ("Europe/Berlin", "ru", "5 янв. 2026\u202fг., 20:00"),
        ("Asia/Kolkata", "en", "Jan 6, 2026, 00:30"),
        ("Pacific/Chatham", "en", "Jan 6, 2026, 08:45"),
        ("UTC", "de", "Jan 5, 2026, 19:00"),
    ],
)
def test_a_moment_is_shown_in_the_learners_zone_and_language(
    zone: str, lang: str, expected: str
) -> None:
    assert format_local_datetime(datetime(2026, 1, 5, 19, 0, tzinfo=UTC), zone, lang) == expected


def test_a_due_date_is_the_learners_local_date() -> None:
    moment = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)
    assert format_local_date(moment, "UTC", "en") == "Jan 5, 2026"
    assert format_local_date(moment, "Europe/Moscow", "ru") == "6 янв. 2026\u202fг."


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "Отлично! Вы повторили 1 карточку."),
        (2, "Отлично! Вы повторили 2 карточки."),
        (5, "Отлично! Вы повторили 5 карточек."),
        (11, "Отлично! Вы повторили 11 карточек."),
        (21, "Отлично! Вы повторили 21 карточку."),
        (104, "Отлично! Вы повторили 104 карточки."),
    ],
)
def test_russian_counts_take_the_right_plural_form(count: int, expected: str) -> None:
    from wordbot.rendering.training import well_done

    assert well_done(count, lang="ru") == expected
    assert well_done(count) == f"Well done reviewing {count} cards."
