"""Texts and keyboards of /settings (SPEC §8): one message per screen, edited in place."""

from __future__ import annotations

from collections.abc import Mapping

from wordbot.callback_data import SETTINGS_SCOPE, encode_callback
from wordbot.domain.settings_menu import (
    CARDS_MAX,
    CARDS_MIN,
    CARDS_PRESETS,
    TZ_MAX,
    TZ_MIN,
    Action,
    LearnerSettings,
    Screen,
    Slot,
    preset_action,
    toggle_action,
)
from wordbot.effects import Button, Keyboard
from wordbot.rendering.html import escape

__all__ = [
    "SETTINGS_SCOPE",
    "settings_failed",
    "settings_keyboard",
    "settings_text",
    "utc_offset",
]

_MINUS = "−"  # U+2212, as in "UTC−5"


def utc_offset(hours: int) -> str:
    """A timezone as the learner reads it: "UTC", "UTC+3", "UTC−5"."""
    if hours == 0:
        return "UTC"
    return f"UTC+{hours}" if hours > 0 else f"UTC{_MINUS}{-hours}"


def settings_text(settings: LearnerSettings, screen: Screen, slot_times: Mapping[Slot, str]) -> str:
    """The menu message for `screen`; `slot_times` are the configured "HH:MM" of each slot."""
    cards = settings.cards_per_session
    zone = utc_offset(settings.timezone_offset_hours)
    match screen:
        case Screen.HOME:
            return (
                "<b>Settings</b>\n"
                f"Cards per session: {cards}\n"
                f"Reminders: {_enabled_reminders(settings, slot_times)}\n"
                f"Timezone: {zone}"
            )
        case Screen.CARDS:
            return (
                f"<b>Cards per session: {cards}</b>\n"
                f"How many cards one review session shows ({CARDS_MIN}–{CARDS_MAX})."
            )
        case Screen.REMINDERS:
            return (
                f"<b>Reminders: {_enabled_reminders(settings, slot_times)}</b>\n"
                f"Tap a slot to turn it on or off; times are in your timezone ({zone})."
            )
        case Screen.TIMEZONE:
            return (
                f"<b>Timezone: {zone}</b>\n"
                f"Your offset from UTC in hours ({utc_offset(TZ_MIN)} to {utc_offset(TZ_MAX)}); "
                "reminders follow it."
            )
        case Screen.CLOSED:
            return "Settings saved ✅"
    raise ValueError(f"unknown settings screen {screen!r}")


def settings_keyboard(
    settings: LearnerSettings, screen: Screen, token: str, slot_times: Mapping[Slot, str]
) -> Keyboard | None:
    """The buttons of `screen`; None once closed, so the edit removes the keyboard."""
    match screen:
        case Screen.HOME:
            return (
                (
                    _button("Cards", Action.CARDS, token),
                    _button("Reminders", Action.REMINDERS, token),
                    _button("Timezone", Action.TIMEZONE, token),
                ),
                (_button("Close", Action.CLOSE, token),),
            )
        case Screen.CARDS:
            current = settings.cards_per_session
            return (
                (
                    _button(f"{_MINUS}1", Action.DEC, token),
                    _button(str(current), Action.NOOP, token),
                    _button("+1", Action.INC, token),
                ),
                tuple(
                    _button(_marked(str(count), count == current), preset_action(count), token)
                    for count in CARDS_PRESETS
                ),
                _back_row(token),
            )
        case Screen.REMINDERS:
            return (
                *(
                    (_button(_slot_label(settings, slot, slot_times), toggle_action(slot), token),)
                    for slot in Slot
                ),
                _back_row(token),
            )
        case Screen.TIMEZONE:
            return (
                (
                    _button(f"{_MINUS}1 h", Action.TZ_DEC, token),
                    _button(utc_offset(settings.timezone_offset_hours), Action.NOOP, token),
                    _button("+1 h", Action.TZ_INC, token),
                ),
                _back_row(token),
            )
        case Screen.CLOSED:
            return None
    raise ValueError(f"unknown settings screen {screen!r}")


def settings_failed() -> str:
    return "Failed to save settings"


def _enabled_reminders(settings: LearnerSettings, slot_times: Mapping[Slot, str]) -> str:
    """The slots that are on with their times, "morning 08:00, evening 20:00", or "off"."""
    enabled = [f"{slot.value} {escape(slot_times[slot])}" for slot in settings.enabled_slots]
    return ", ".join(enabled) if enabled else "off"


def _slot_label(settings: LearnerSettings, slot: Slot, slot_times: Mapping[Slot, str]) -> str:
    mark = "✅" if settings.reminder_on(slot) else "❌"
    return f"{mark} {slot.value.capitalize()} {slot_times[slot]}"


def _marked(label: str, current: bool) -> str:
    return f"• {label}" if current else label


def _back_row(token: str) -> tuple[Button, ...]:
    return (_button("« Back", Action.HOME, token),)


def _button(label: str, action: Action, token: str) -> Button:
    return Button(label, encode_callback(SETTINGS_SCOPE, action.value, token))
