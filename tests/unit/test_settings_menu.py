"""/settings (SPEC §8): the reducer over every screen and action, limits, and each screen's rendering."""

from dataclasses import replace
from datetime import UTC, datetime, time

import pytest

from wordbot.callback_data import MAX_CALLBACK_BYTES, decode_callback
from wordbot.domain.learner import Learner
from wordbot.domain.reminder_times import ReminderTime
from wordbot.domain.settings_menu import (
    CARDS_MAX,
    CARDS_MIN,
    CARDS_PRESETS,
    TZ_MAX,
    TZ_MIN,
    Action,
    LearnerSettings,
    MenuResult,
    Screen,
    Slot,
    apply_button,
    valid_actions,
)
from wordbot.rendering.settings import (
    SETTINGS_SCOPE,
    settings_keyboard,
    settings_text,
    utc_offset,
)

DEFAULTS = LearnerSettings()
SLOT_TIMES = {Slot.MORNING: "08:00", Slot.AFTERNOON: "13:00", Slot.EVENING: "20:00"}
TOKEN = "Ab3_-xYz"
OPEN_SCREENS = [Screen.HOME, Screen.CARDS, Screen.REMINDERS, Screen.TIMEZONE, Screen.LEARNING]
ALL_ACTIONS = [action.value for action in Action]


def _press(action: str, screen: Screen, settings: LearnerSettings = DEFAULTS) -> MenuResult:
    result = apply_button(settings, screen, action)
    assert result is not None, f"{action} refused on {screen}"
    return result


def _stayed(settings: LearnerSettings, screen: Screen) -> MenuResult:
    return MenuResult(settings, screen, None, changed=False)


# --- the settings value ---------------------------------------------------------------------


def test_default_settings_are_five_cards_all_reminders_on_at_utc() -> None:
    settings = LearnerSettings()
    assert settings.cards_per_session == 5
    assert settings.timezone_offset_hours == 0
    assert settings.enabled_slots == (Slot.MORNING, Slot.AFTERNOON, Slot.EVENING)


def test_settings_are_taken_from_a_learner_field_by_field() -> None:
    learner = Learner(
        user_id=1,
        chat_id=1,
        cards_per_session=7,
        reminder_morning=False,
        reminder_afternoon=True,
        reminder_evening=False,
        timezone_offset_hours=-5,
        reminders_paused=False,
        missed_reminders=0,
        last_reminder_sent_at=None,
        pending_input=None,
        pending_input_until=None,
        confirm_token=None,
        confirm_message_id=None,
        created_at=datetime(2024, 3, 1, tzinfo=UTC),
    )
    assert LearnerSettings.from_learner(learner) == LearnerSettings(
        7,
        False,
        True,
        False,
        -5,
        reminder_times=(
            ReminderTime(time(8), False),
            ReminderTime(time(13), True),
            ReminderTime(time(20), False),
        ),
    )


# --- which actions each screen accepts ------------------------------------------------------

VALID = {
    Screen.HOME: {"cards", "reminders", "timezone", "language", "learning", "close", "noop"},
    Screen.CARDS: {"home", "noop", "dec", "inc", "set1", "set2", "set3", "set5", "set10"},
    Screen.REMINDERS: {"home", "noop", "tgl_morning", "tgl_afternoon", "tgl_evening", "addtime"},
    Screen.TIMEZONE: {"home", "noop", "tzdec", "tzinc"},
    Screen.LANGUAGE: {"home", "noop", "lang_en", "lang_ru"},
    Screen.ADD_TIME: {"reminders", "noop"},
    Screen.LEARNING: {
        "home",
        "noop",
        "sched_fsrs",
        "sched_sm2",
        "retdec",
        "retinc",
        "newdec",
        "newinc",
        "newdec5",
        "newinc5",
    },
    Screen.CLOSED: set(),
}


@pytest.mark.parametrize("screen", list(Screen))
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_an_action_is_accepted_only_on_the_screens_that_show_it(
    screen: Screen, action: str
) -> None:
    result = apply_button(DEFAULTS, screen, action)
    assert (result is not None) == (action in VALID[screen])


@pytest.mark.parametrize("screen", list(Screen))
def test_valid_actions_lists_the_accepted_actions(screen: Screen) -> None:
    assert valid_actions(screen) == VALID[screen]


@pytest.mark.parametrize(
    "action",
    ["", "bogus", "HOME", "set4", "set20", "tgl_night", "st:home:x", " home", "home "],
)
@pytest.mark.parametrize("screen", list(Screen))
def test_an_unknown_action_is_refused_on_every_screen(screen: Screen, action: str) -> None:
    assert apply_button(DEFAULTS, screen, action) is None


# --- navigation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("screen", "action", "destination"),
    [
        (Screen.HOME, "cards", Screen.CARDS),
        (Screen.HOME, "reminders", Screen.REMINDERS),
        (Screen.HOME, "timezone", Screen.TIMEZONE),
        (Screen.HOME, "close", Screen.CLOSED),
        (Screen.CARDS, "home", Screen.HOME),
        (Screen.REMINDERS, "home", Screen.HOME),
        (Screen.TIMEZONE, "home", Screen.HOME),
    ],
)
def test_navigation_moves_to_its_screen_without_changing_settings(
    screen: Screen, action: str, destination: Screen
) -> None:
    custom = LearnerSettings(12, False, True, False, 3)
    assert _press(action, screen, custom) == _stayed(custom, destination)


@pytest.mark.parametrize("screen", OPEN_SCREENS)
def test_noop_on_an_open_screen_stays_without_a_notice(screen: Screen) -> None:
    assert _press("noop", screen) == _stayed(DEFAULTS, screen)


# --- cards per session ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "action", "after"),
    [
        (5, "dec", 4),
        (5, "inc", 6),
        (2, "dec", CARDS_MIN),
        (CARDS_MAX - 1, "inc", CARDS_MAX),
        (CARDS_MIN, "inc", 2),
        (CARDS_MAX, "dec", CARDS_MAX - 1),
    ],
)
def test_a_step_moves_cards_by_one_and_stays_on_cards(before: int, action: str, after: int) -> None:
    settings = LearnerSettings(cards_per_session=before)
    result = _press(action, Screen.CARDS, settings)
    assert result == MenuResult(
        LearnerSettings(cards_per_session=after), Screen.CARDS, None, changed=True
    )


@pytest.mark.parametrize(
    ("before", "action", "notice"),
    [
        (CARDS_MIN, "dec", "At least 1 card per session."),
        (CARDS_MAX, "inc", "At most 20 cards per session."),
        (0, "dec", "At least 1 card per session."),
        (25, "inc", "At most 20 cards per session."),
    ],
    ids=["at_1", "at_20", "stored_below_range", "stored_above_range"],
)
def test_a_step_past_the_card_limits_changes_nothing_and_gives_a_hint(
    before: int, action: str, notice: str
) -> None:
    settings = LearnerSettings(cards_per_session=before)
    assert _press(action, Screen.CARDS, settings) == MenuResult(
        settings, Screen.CARDS, notice, changed=False
    )


@pytest.mark.parametrize("preset", CARDS_PRESETS)
@pytest.mark.parametrize("before", [1, 4, 10, 20])
def test_a_preset_sets_cards_and_counts_as_a_change_only_when_different(
    before: int, preset: int
) -> None:
    settings = LearnerSettings(cards_per_session=before, evening=False)
    result = _press(f"set{preset}", Screen.CARDS, settings)
    assert result == MenuResult(
        replace(settings, cards_per_session=preset), Screen.CARDS, None, changed=before != preset
    )


# --- reminders ------------------------------------------------------------------------------


@pytest.mark.parametrize("slot", list(Slot))
@pytest.mark.parametrize("on", [True, False], ids=["on", "off"])
def test_a_toggle_flips_only_its_slot_and_stays_on_reminders(slot: Slot, on: bool) -> None:
    settings = LearnerSettings(morning=on, afternoon=on, evening=on)
    result = _press(f"tgl_{slot.value}", Screen.REMINDERS, settings)
    assert result.screen is Screen.REMINDERS
    assert result.notice is None
    assert result.changed
    assert {s: result.settings.reminder_on(s) for s in Slot} == {s: on != (s is slot) for s in Slot}


def test_toggling_a_slot_twice_restores_the_settings() -> None:
    once = _press("tgl_afternoon", Screen.REMINDERS).settings
    assert _press("tgl_afternoon", Screen.REMINDERS, once).settings == DEFAULTS


def test_every_slot_can_be_turned_off() -> None:
    settings = DEFAULTS
    for slot in Slot:
        settings = _press(f"tgl_{slot.value}", Screen.REMINDERS, settings).settings
    assert settings.enabled_slots == ()


# --- timezone -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "action", "after"),
    [
        (0, "tzdec", -1),
        (0, "tzinc", 1),
        (TZ_MIN + 1, "tzdec", TZ_MIN),
        (TZ_MAX - 1, "tzinc", TZ_MAX),
        (TZ_MIN, "tzinc", TZ_MIN + 1),
        (TZ_MAX, "tzdec", TZ_MAX - 1),
    ],
)
def test_a_step_moves_the_timezone_by_an_hour(before: int, action: str, after: int) -> None:
    result = _press(action, Screen.TIMEZONE, LearnerSettings(timezone_offset_hours=before))
    assert result == MenuResult(
        LearnerSettings(timezone_offset_hours=after), Screen.TIMEZONE, None, changed=True
    )


@pytest.mark.parametrize(
    ("before", "action", "notice"),
    [
        (TZ_MIN, "tzdec", "UTC−12 is the lowest offset."),
        (TZ_MAX, "tzinc", "UTC+14 is the highest offset."),
    ],
    ids=["at_minus_12", "at_plus_14"],
)
def test_a_step_past_the_timezone_limits_changes_nothing_and_gives_a_hint(
    before: int, action: str, notice: str
) -> None:
    settings = LearnerSettings(timezone_offset_hours=before)
    assert _press(action, Screen.TIMEZONE, settings) == MenuResult(
        settings, Screen.TIMEZONE, notice, changed=False
    )


# --- changed is true only when something changed --------------------------------------------


@pytest.mark.parametrize("screen", list(Screen))
@pytest.mark.parametrize("action", ALL_ACTIONS)
@pytest.mark.parametrize(
    "settings",
    [
        DEFAULTS,
        LearnerSettings(1, False, False, False, -12),
        LearnerSettings(20, True, False, True, 14),
    ],
    ids=["defaults", "lowest", "highest"],
)
def test_changed_is_true_exactly_when_the_settings_differ(
    settings: LearnerSettings, screen: Screen, action: str
) -> None:
    result = apply_button(settings, screen, action)
    if result is not None:
        assert result.changed == (result.settings != settings)
        if result.notice is not None:
            assert result.settings == settings and result.screen is screen


# --- rendering: texts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "label"),
    [(TZ_MIN, "UTC−12"), (-5, "UTC−5"), (0, "UTC"), (3, "UTC+3"), (TZ_MAX, "UTC+14")],
)
def test_a_timezone_reads_as_an_offset_from_utc(hours: int, label: str) -> None:
    assert utc_offset(hours) == label


@pytest.mark.parametrize(
    ("settings", "lines"),
    [
        (
            DEFAULTS,
            [
                "Cards per session: 5",
                "Reminders: morning 08:00, afternoon 13:00, evening 20:00",
                "Timezone: UTC",
            ],
        ),
        (
            LearnerSettings(12, True, False, True, 3),
            ["Cards per session: 12", "Reminders: morning 08:00, evening 20:00", "Timezone: UTC+3"],
        ),
        (
            LearnerSettings(1, False, False, False, -12),
            ["Cards per session: 1", "Reminders: off", "Timezone: UTC−12"],
        ),
        (
            LearnerSettings(20, False, True, False, 14),
            ["Cards per session: 20", "Reminders: afternoon 13:00", "Timezone: UTC+14"],
        ),
    ],
    ids=["defaults", "two_slots", "all_off", "one_slot"],
)
def test_home_shows_cards_enabled_reminders_and_timezone(
    settings: LearnerSettings, lines: list[str]
) -> None:
    assert settings_text(settings, Screen.HOME, SLOT_TIMES).split("\n") == [
        "<b>Settings</b>",
        *lines,
    ]


@pytest.mark.parametrize(
    ("screen", "settings", "value", "hint"),
    [
        (Screen.CARDS, LearnerSettings(cards_per_session=7), "Cards per session: 7", "1–20"),
        (
            Screen.REMINDERS,
            LearnerSettings(afternoon=False, timezone_offset_hours=-5),
            "Reminders: morning 08:00, evening 20:00",
            "your timezone (UTC−5)",
        ),
        (
            Screen.REMINDERS,
            LearnerSettings(morning=False, afternoon=False, evening=False),
            "Reminders: off",
            "on or off",
        ),
        (
            Screen.TIMEZONE,
            LearnerSettings(timezone_offset_hours=3),
            "Timezone: UTC+3",
            "UTC−12 to UTC+14",
        ),
    ],
    ids=["cards", "reminders", "reminders_off", "timezone"],
)
def test_a_sub_screen_shows_its_current_value_and_a_one_line_hint(
    screen: Screen, settings: LearnerSettings, value: str, hint: str
) -> None:
    title, hint_line = settings_text(settings, screen, SLOT_TIMES).split("\n")
    assert title == f"<b>{value}</b>"
    assert hint in hint_line


def test_closed_says_settings_saved() -> None:
    assert settings_text(DEFAULTS, Screen.CLOSED, SLOT_TIMES) == "Settings saved ✅"


def test_slot_times_are_escaped_in_texts() -> None:
    times = {**SLOT_TIMES, Slot.MORNING: "<8&>"}
    assert "morning &lt;8&amp;&gt;" in settings_text(DEFAULTS, Screen.HOME, times)


# --- rendering: keyboards -------------------------------------------------------------------


def _labels(settings: LearnerSettings, screen: Screen) -> list[list[str]]:
    keyboard = settings_keyboard(settings, screen, TOKEN, SLOT_TIMES)
    assert keyboard is not None
    return [[button.text for button in row] for row in keyboard]


def _actions(settings: LearnerSettings, screen: Screen) -> list[list[str]]:
    keyboard = settings_keyboard(settings, screen, TOKEN, SLOT_TIMES)
    assert keyboard is not None
    return [[decode_callback(button.data).action for button in row] for row in keyboard]


@pytest.mark.parametrize(
    ("screen", "settings", "labels", "actions"),
    [
        (
            Screen.HOME,
            DEFAULTS,
            [["Cards", "Reminders", "Timezone"], ["Learning", "Close"]],
            [["cards", "reminders", "timezone"], ["learning", "close"]],
        ),
        (
            Screen.CARDS,
            DEFAULTS,
            [["−1", "5", "+1"], ["1", "2", "3", "• 5", "10"], ["« Back"]],
            [["dec", "noop", "inc"], ["set1", "set2", "set3", "set5", "set10"], ["home"]],
        ),
        (
            Screen.CARDS,
            LearnerSettings(cards_per_session=7),
            [["−1", "7", "+1"], ["1", "2", "3", "5", "10"], ["« Back"]],
            [["dec", "noop", "inc"], ["set1", "set2", "set3", "set5", "set10"], ["home"]],
        ),
        (
            Screen.REMINDERS,
            LearnerSettings(afternoon=False),
            [["✅ Morning 08:00"], ["❌ Afternoon 13:00"], ["✅ Evening 20:00"], ["« Back"]],
            [["tgl_morning"], ["tgl_afternoon"], ["tgl_evening"], ["home"]],
        ),
        (
            Screen.TIMEZONE,
            LearnerSettings(timezone_offset_hours=3),
            [["−1 h", "UTC+3", "+1 h"], ["« Back"]],
            [["tzdec", "noop", "tzinc"], ["home"]],
        ),
        (
            Screen.TIMEZONE,
            LearnerSettings(timezone_offset_hours=TZ_MIN),
            [["−1 h", "UTC−12", "+1 h"], ["« Back"]],
            [["tzdec", "noop", "tzinc"], ["home"]],
        ),
    ],
    ids=["home", "cards_preset_marked", "cards_no_preset", "reminders", "timezone", "tz_lowest"],
)
def test_each_screen_has_its_buttons(
    screen: Screen, settings: LearnerSettings, labels: list, actions: list
) -> None:
    assert _labels(settings, screen) == labels
    assert _actions(settings, screen) == actions


@pytest.mark.parametrize("preset", CARDS_PRESETS)
def test_only_the_current_preset_is_marked(preset: int) -> None:
    presets_row = _labels(LearnerSettings(cards_per_session=preset), Screen.CARDS)[1]
    assert [label for label in presets_row if label.startswith("•")] == [f"• {preset}"]


@pytest.mark.parametrize("screen", OPEN_SCREENS)
def test_every_button_decodes_back_to_scope_action_and_token_within_64_bytes(
    screen: Screen,
) -> None:
    keyboard = settings_keyboard(DEFAULTS, screen, "A" * 16, SLOT_TIMES)
    assert keyboard
    for button in (button for row in keyboard for button in row):
        assert len(button.data.encode()) <= MAX_CALLBACK_BYTES
        decoded = decode_callback(button.data)
        assert decoded is not None
        assert (decoded.scope, decoded.token) == (SETTINGS_SCOPE, "A" * 16)


@pytest.mark.parametrize("screen", OPEN_SCREENS)
def test_every_button_on_a_screen_is_accepted_on_that_screen(screen: Screen) -> None:
    shown = {action for row in _actions(DEFAULTS, screen) for action in row}
    assert shown <= valid_actions(screen)
    # The §15 actions (Language, ＋ Add time) are shown by menu_keyboard, not this §8 one.
    assert valid_actions(screen) - shown <= {Action.NOOP, Action.LANGUAGE, Action.ADD_TIME}


def test_closed_has_no_keyboard() -> None:
    assert settings_keyboard(DEFAULTS, Screen.CLOSED, TOKEN, SLOT_TIMES) is None
