"""The /settings menu (SPEC §8, §6.5) as a reducer: settings and the screen shown, a press in, the outcome out.

Pure: no clock, no storage, no Telegram. The caller keeps the screen the menu message shows,
passes the pressed action here, writes the settings only when `changed`, and edits the message.

Decisions where the SPEC is silent:
* An action is valid exactly on the screens whose keyboard carries it (see `valid_actions`),
  plus `noop` on every open screen. An action from another screen comes from an outdated
  message or a double press, so it is refused (None) like an unknown action; the caller
  answers "This button is no longer active."
* `close` is on Home only and `home` ("« Back") on every sub-screen only; a second "« Back"
  arriving after the first already went Home is therefore stale.
* CLOSED has no keyboard, so every action there, `noop` included, is refused.
* Presets and toggles keep the menu on their screen, so several changes take one screen.
* Out-of-range presses change nothing, stay on the screen and give a notice. A stored value
  already beyond a limit is never pushed further out: `dec` at or below 1 is refused, `inc`
  at or above 20 is refused (the same for the timezone).
* All three reminder slots may be off; Home then says "Reminders: off".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from wordbot.domain.learner import Learner
from wordbot.domain.slots import Slot  # re-exported; its values name LearnerSettings fields

__all__ = [
    "CARDS_MAX",
    "CARDS_MIN",
    "CARDS_PRESETS",
    "NOTICE_CARDS_MAX",
    "NOTICE_CARDS_MIN",
    "NOTICE_TZ_MAX",
    "NOTICE_TZ_MIN",
    "TZ_MAX",
    "TZ_MIN",
    "Action",
    "LearnerSettings",
    "MenuResult",
    "Screen",
    "Slot",
    "apply_button",
    "preset_action",
    "toggle_action",
    "valid_actions",
]

CARDS_MIN, CARDS_MAX = 1, 20
CARDS_PRESETS = (1, 2, 3, 5, 10)
TZ_MIN, TZ_MAX = -12, 14


class Screen(StrEnum):
    HOME = "home"
    CARDS = "cards"
    REMINDERS = "reminders"
    TIMEZONE = "timezone"
    CLOSED = "closed"


class Action(StrEnum):
    """What a settings button does; the value is the callback-data action part."""

    HOME = "home"
    CARDS = "cards"
    REMINDERS = "reminders"
    TIMEZONE = "timezone"
    CLOSE = "close"
    NOOP = "noop"
    DEC = "dec"
    INC = "inc"
    SET_1 = "set1"
    SET_2 = "set2"
    SET_3 = "set3"
    SET_5 = "set5"
    SET_10 = "set10"
    TOGGLE_MORNING = "tgl_morning"
    TOGGLE_AFTERNOON = "tgl_afternoon"
    TOGGLE_EVENING = "tgl_evening"
    TZ_DEC = "tzdec"
    TZ_INC = "tzinc"


@dataclass(frozen=True, slots=True)
class LearnerSettings:
    """What a learner can change in /settings, with the SPEC defaults."""

    cards_per_session: int = 5
    morning: bool = True
    afternoon: bool = True
    evening: bool = True
    timezone_offset_hours: int = 0

    @classmethod
    def from_learner(cls, learner: Learner) -> LearnerSettings:
        return cls(
            cards_per_session=learner.cards_per_session,
            morning=learner.reminder_morning,
            afternoon=learner.reminder_afternoon,
            evening=learner.reminder_evening,
            timezone_offset_hours=learner.timezone_offset_hours,
        )

    def reminder_on(self, slot: Slot) -> bool:
        return getattr(self, slot.value)

    @property
    def enabled_slots(self) -> tuple[Slot, ...]:
        """The slots that are on, in the order of the day."""
        return tuple(slot for slot in Slot if self.reminder_on(slot))


@dataclass(frozen=True, slots=True)
class MenuResult:
    settings: LearnerSettings  # the settings after the press (unchanged when refused)
    screen: Screen  # the screen to show next
    notice: str | None  # a short callback answer when the press was refused; None when fine
    changed: bool  # settings differ from before (the caller writes only then)


_PRESETS = {
    Action.SET_1: 1,
    Action.SET_2: 2,
    Action.SET_3: 3,
    Action.SET_5: 5,
    Action.SET_10: 10,
}
_TOGGLES = {
    Action.TOGGLE_MORNING: Slot.MORNING,
    Action.TOGGLE_AFTERNOON: Slot.AFTERNOON,
    Action.TOGGLE_EVENING: Slot.EVENING,
}
_OPENS = {
    Action.CARDS: Screen.CARDS,
    Action.REMINDERS: Screen.REMINDERS,
    Action.TIMEZONE: Screen.TIMEZONE,
}

_VALID = {
    Screen.HOME: frozenset({Action.CARDS, Action.REMINDERS, Action.TIMEZONE, Action.CLOSE}),
    Screen.CARDS: frozenset({Action.HOME, Action.DEC, Action.INC, *_PRESETS}),
    Screen.REMINDERS: frozenset({Action.HOME, *_TOGGLES}),
    Screen.TIMEZONE: frozenset({Action.HOME, Action.TZ_DEC, Action.TZ_INC}),
    Screen.CLOSED: frozenset(),
}

NOTICE_CARDS_MIN = f"At least {CARDS_MIN} card per session."
NOTICE_CARDS_MAX = f"At most {CARDS_MAX} cards per session."
NOTICE_TZ_MIN = f"UTC−{-TZ_MIN} is the lowest offset."
NOTICE_TZ_MAX = f"UTC+{TZ_MAX} is the highest offset."


def preset_action(count: int) -> Action:
    """The action of the preset button for `count` cards (one of CARDS_PRESETS)."""
    return Action(f"set{count}")


def toggle_action(slot: Slot) -> Action:
    return Action(f"tgl_{slot.value}")


def valid_actions(screen: Screen) -> frozenset[Action]:
    """The actions a press may carry while `screen` is shown: its buttons, plus `noop` unless closed."""
    if screen is Screen.CLOSED:
        return _VALID[screen]
    return _VALID[screen] | {Action.NOOP}


def apply_button(settings: LearnerSettings, screen: Screen, action: str) -> MenuResult | None:
    """The outcome of pressing `action` on `screen`; None when the action is unknown or stale."""
    try:
        pressed = Action(action)
    except ValueError:
        return None
    if pressed not in valid_actions(screen):
        return None
    if pressed is Action.NOOP:
        return _stay(settings, screen)
    if pressed is Action.HOME:
        return _stay(settings, Screen.HOME)
    if pressed is Action.CLOSE:
        return _stay(settings, Screen.CLOSED)
    if pressed in _OPENS:
        return _stay(settings, _OPENS[pressed])
    if pressed in _PRESETS:
        return _change(settings, replace(settings, cards_per_session=_PRESETS[pressed]), screen)
    if pressed in _TOGGLES:
        slot = _TOGGLES[pressed]
        toggled = replace(settings, **{slot.value: not settings.reminder_on(slot)})
        return _change(settings, toggled, screen)
    return _step(settings, screen, pressed)


def _step(settings: LearnerSettings, screen: Screen, pressed: Action) -> MenuResult:
    """−1/+1 on cards or hours, refused with a notice at the limits."""
    cards, hours = settings.cards_per_session, settings.timezone_offset_hours
    match pressed:
        case Action.DEC if cards <= CARDS_MIN:
            return _refuse(settings, screen, NOTICE_CARDS_MIN)
        case Action.INC if cards >= CARDS_MAX:
            return _refuse(settings, screen, NOTICE_CARDS_MAX)
        case Action.TZ_DEC if hours <= TZ_MIN:
            return _refuse(settings, screen, NOTICE_TZ_MIN)
        case Action.TZ_INC if hours >= TZ_MAX:
            return _refuse(settings, screen, NOTICE_TZ_MAX)
        case Action.DEC | Action.INC:
            delta = -1 if pressed is Action.DEC else 1
            return _change(settings, replace(settings, cards_per_session=cards + delta), screen)
        case Action.TZ_DEC | Action.TZ_INC:
            delta = -1 if pressed is Action.TZ_DEC else 1
            return _change(settings, replace(settings, timezone_offset_hours=hours + delta), screen)
    raise AssertionError(f"unhandled settings action {pressed!r}")


def _stay(settings: LearnerSettings, screen: Screen) -> MenuResult:
    return MenuResult(settings, screen, None, changed=False)


def _refuse(settings: LearnerSettings, screen: Screen, notice: str) -> MenuResult:
    return MenuResult(settings, screen, notice, changed=False)


def _change(before: LearnerSettings, after: LearnerSettings, screen: Screen) -> MenuResult:
    return MenuResult(after, screen, None, changed=after != before)
