"""The /settings menu (SPEC §8, §6.5, §15) as a reducer: settings and the screen shown, a press in, the outcome out.

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

SPEC §15 screens (the integrator switches the rendering to `menu_text`/`menu_keyboard`):
* Home also opens Language (`language`); Language offers `lang_en`/`lang_ru` and « Back.
* Timezone: a zone button carries `zone_<key>` (`timezones.zone_key`, a name does not fit
  in callback data); any known zone's key is accepted there, so buttons offered after a
  typed query stay valid while the screen is shown. Typed text on this screen
  (`apply_text`) is a local time ("14:35": the zones at that offset are offered) or a zone
  name: an exact full name, or the only zone with that last part, is set at once; several
  candidates are offered as buttons; none gives a hint and changes nothing.
* Reminders: `on_HHMM` toggles and `rm_HHMM` removes a time (times are addressed by their
  clock time, not a position, so a press from before another removal cannot hit the wrong
  one); `addtime` opens ADD_TIME, where typed text is the new time and « Back returns to
  Reminders. With five times `addtime` is refused with a notice. A stale time is refused.
* The old slot toggles and ±1 hour actions stay valid until the actors are rewired; they
  change the old fields only.

SPEC §12 screen, Learning (`learning` from Home): `sched_fsrs`/`sched_sm2` choose the
scheduler; `retdec`/`retinc` move desired retention by 0.01 within 0.80–0.97; `newdec`/`newinc`
move new cards per day by 1 and `newdec5`/`newinc5` by 5 within 0–100. A step that would leave
the range is refused with a notice and changes nothing (a 5-step is not clipped to the limit).
Retention is kept at two decimals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, time
from enum import StrEnum

from wordbot.domain import timezones
from wordbot.domain.learner import Learner
from wordbot.domain.reminder_times import (
    MAX_REMINDER_TIMES,
    ReminderTime,
    TimeRefusal,
    add_reminder_time,
    default_reminder_times,
    remove_reminder_time,
    toggle_reminder_time,
)
from wordbot.domain.slots import (
    Slot,  # re-exported; its values name LearnerSettings fields
    SlotTimes,
)

__all__ = [
    "CARDS_MAX",
    "CARDS_MIN",
    "CARDS_PRESETS",
    "NEW_CARDS_MAX",
    "NEW_CARDS_MIN",
    "NOTICE_NEW_CARDS_MAX",
    "NOTICE_NEW_CARDS_MIN",
    "NOTICE_RETENTION_MAX",
    "NOTICE_RETENTION_MIN",
    "RETENTION_MAX",
    "RETENTION_MIN",
    "NOTICE_CARDS_MAX",
    "NOTICE_CARDS_MIN",
    "NOTICE_TOO_MANY_TIMES",
    "NOTICE_TZ_MAX",
    "NOTICE_TZ_MIN",
    "TZ_MAX",
    "TZ_MIN",
    "Action",
    "LearnerSettings",
    "MenuResult",
    "Screen",
    "Slot",
    "ZoneRefusal",
    "apply_button",
    "apply_text",
    "remove_time_action",
    "toggle_time_action",
    "zone_action",
    "preset_action",
    "toggle_action",
    "valid_actions",
]

CARDS_MIN, CARDS_MAX = 1, 20
CARDS_PRESETS = (1, 2, 3, 5, 10)
TZ_MIN, TZ_MAX = -12, 14
RETENTION_MIN, RETENTION_MAX = 0.80, 0.97
NEW_CARDS_MIN, NEW_CARDS_MAX = 0, 100


class Screen(StrEnum):
    HOME = "home"
    CARDS = "cards"
    REMINDERS = "reminders"
    TIMEZONE = "timezone"
    LANGUAGE = "language"
    ADD_TIME = "add_time"
    LEARNING = "learning"
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
    LANGUAGE = "language"
    LANG_EN = "lang_en"
    LANG_RU = "lang_ru"
    ADD_TIME = "addtime"
    LEARNING = "learning"
    SCHED_FSRS = "sched_fsrs"
    SCHED_SM2 = "sched_sm2"
    RET_DEC = "retdec"
    RET_INC = "retinc"
    NEW_DEC = "newdec"
    NEW_INC = "newinc"
    NEW_DEC_5 = "newdec5"
    NEW_INC_5 = "newinc5"


class ZoneRefusal(StrEnum):
    """Why typed text on the Timezone screen set no zone; rendering turns it into a hint."""

    UNKNOWN_ZONE = "unknown_zone"
    NO_ZONE_AT_TIME = "no_zone_at_time"


_DEFAULT_TIMES = default_reminder_times(SlotTimes(time(8), time(13), time(20)))


@dataclass(frozen=True, slots=True)
class LearnerSettings:
    """What a learner can change in /settings, with the SPEC defaults."""

    cards_per_session: int = 5
    morning: bool = True
    afternoon: bool = True
    evening: bool = True
    timezone_offset_hours: int = 0
    zone: str = "UTC"  # SPEC §15: an IANA name
    reminder_times: tuple[ReminderTime, ...] = _DEFAULT_TIMES
    language: str = "en"
    scheduler: str = "fsrs"  # SPEC §12: "fsrs" or "sm2"
    desired_retention: float = 0.9
    new_cards_per_day: int = 20

    @classmethod
    def from_learner(cls, learner: Learner, slot_times: SlotTimes | None = None) -> LearnerSettings:
        """The learner's settings; reminder times never edited are the configured slots
        (`slot_times`, the SPEC defaults when not given) with the learner's slot flags."""
        times = learner.reminder_times
        if times is None:
            times = default_reminder_times(
                slot_times or SlotTimes(time(8), time(13), time(20)),
                morning=learner.reminder_morning,
                afternoon=learner.reminder_afternoon,
                evening=learner.reminder_evening,
            )
        return cls(
            cards_per_session=learner.cards_per_session,
            morning=learner.reminder_morning,
            afternoon=learner.reminder_afternoon,
            evening=learner.reminder_evening,
            timezone_offset_hours=learner.timezone_offset_hours,
            zone=learner.timezone,
            reminder_times=tuple(times),
            language=learner.language or "en",
            scheduler=learner.scheduler,
            desired_retention=learner.desired_retention,
            new_cards_per_day=learner.new_cards_per_day,
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
    offered_zones: tuple[str, ...] = ()  # zones to offer as buttons (after a typed query)
    refusal: TimeRefusal | ZoneRefusal | None = None  # why typed text changed nothing
    query: str = ""  # the typed text a refusal is about (rendering escapes it)


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
    Action.LANGUAGE: Screen.LANGUAGE,
    Action.ADD_TIME: Screen.ADD_TIME,
    Action.LEARNING: Screen.LEARNING,
}
_LANGUAGES = {Action.LANG_EN: "en", Action.LANG_RU: "ru"}
_SCHEDULERS = {Action.SCHED_FSRS: "fsrs", Action.SCHED_SM2: "sm2"}
_NEW_CARD_STEPS = {Action.NEW_DEC: -1, Action.NEW_INC: 1, Action.NEW_DEC_5: -5, Action.NEW_INC_5: 5}

_VALID = {
    Screen.HOME: frozenset(
        {
            Action.CARDS,
            Action.REMINDERS,
            Action.TIMEZONE,
            Action.LANGUAGE,
            Action.LEARNING,
            Action.CLOSE,
        }
    ),
    Screen.CARDS: frozenset({Action.HOME, Action.DEC, Action.INC, *_PRESETS}),
    Screen.REMINDERS: frozenset({Action.HOME, Action.ADD_TIME, *_TOGGLES}),
    Screen.TIMEZONE: frozenset({Action.HOME, Action.TZ_DEC, Action.TZ_INC}),
    Screen.LANGUAGE: frozenset({Action.HOME, *_LANGUAGES}),
    Screen.ADD_TIME: frozenset({Action.REMINDERS}),
    Screen.LEARNING: frozenset(
        {Action.HOME, Action.RET_DEC, Action.RET_INC, *_SCHEDULERS, *_NEW_CARD_STEPS}
    ),
    Screen.CLOSED: frozenset(),
}

_TIME_ACTION = re.compile(r"(on|rm)_([01]\d|2[0-3])([0-5]\d)")
_ZONE_ACTION = re.compile(r"zone_([0-9a-f]{10})")

NOTICE_CARDS_MIN = f"At least {CARDS_MIN} card per session."
NOTICE_CARDS_MAX = f"At most {CARDS_MAX} cards per session."
NOTICE_TZ_MIN = f"UTC−{-TZ_MIN} is the lowest offset."
NOTICE_TZ_MAX = f"UTC+{TZ_MAX} is the highest offset."
NOTICE_TOO_MANY_TIMES = f"At most {MAX_REMINDER_TIMES} reminder times."
NOTICE_RETENTION_MIN = "Desired retention is at least 80%."
NOTICE_RETENTION_MAX = "Desired retention is at most 97%."
NOTICE_NEW_CARDS_MIN = "New cards per day cannot go below 0."
NOTICE_NEW_CARDS_MAX = "At most 100 new cards per day."


def preset_action(count: int) -> Action:
    """The action of the preset button for `count` cards (one of CARDS_PRESETS)."""
    return Action(f"set{count}")


def toggle_action(slot: Slot) -> Action:
    return Action(f"tgl_{slot.value}")


def toggle_time_action(at: time) -> str:
    """The action of the button that turns reminder time `at` on or off: "on_0830"."""
    return f"on_{at.hour:02d}{at.minute:02d}"


def remove_time_action(at: time) -> str:
    return f"rm_{at.hour:02d}{at.minute:02d}"


def zone_action(zone: str) -> str:
    """The action of the button that sets `zone`: "zone_" and its 10-character key."""
    return f"zone_{timezones.zone_key(zone)}"


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
        return _apply_parameterised(settings, screen, action)
    if pressed not in valid_actions(screen):
        return None
    if pressed is Action.NOOP:
        return _stay(settings, screen)
    if pressed is Action.HOME:
        return _stay(settings, Screen.HOME)
    if pressed is Action.CLOSE:
        return _stay(settings, Screen.CLOSED)
    if pressed is Action.ADD_TIME and len(settings.reminder_times) >= MAX_REMINDER_TIMES:
        return _refuse(settings, screen, NOTICE_TOO_MANY_TIMES)
    if pressed in _OPENS:
        return _stay(settings, _OPENS[pressed])
    if pressed in _LANGUAGES:
        return _change(settings, replace(settings, language=_LANGUAGES[pressed]), screen)
    if pressed in _SCHEDULERS:
        return _change(settings, replace(settings, scheduler=_SCHEDULERS[pressed]), screen)
    if pressed in (Action.RET_DEC, Action.RET_INC):
        return _step_retention(settings, screen, -1 if pressed is Action.RET_DEC else 1)
    if pressed in _NEW_CARD_STEPS:
        return _step_new_cards(settings, screen, _NEW_CARD_STEPS[pressed])
    if pressed in _PRESETS:
        return _change(settings, replace(settings, cards_per_session=_PRESETS[pressed]), screen)
    if pressed in _TOGGLES:
        slot = _TOGGLES[pressed]
        toggled = replace(settings, **{slot.value: not settings.reminder_on(slot)})
        return _change(settings, toggled, screen)
    return _step(settings, screen, pressed)


def apply_text(
    settings: LearnerSettings, screen: Screen, text: str, now: datetime
) -> MenuResult | None:
    """The outcome of typing `text` while `screen` is shown; None when that screen takes no
    text (the caller handles the text as it would anywhere else)."""
    if screen is Screen.ADD_TIME:
        added = add_reminder_time(settings.reminder_times, text)
        if added.refusal is not None:
            return MenuResult(settings, screen, None, False, refusal=added.refusal, query=text)
        return _change(settings, replace(settings, reminder_times=added.times), Screen.REMINDERS)
    if screen is not Screen.TIMEZONE:
        return None
    if timezones.parse_local_time(text) is not None:
        offered = tuple(timezones.zones_at_local_time(text, now))
        if not offered:
            refusal = ZoneRefusal.NO_ZONE_AT_TIME
            return MenuResult(settings, screen, None, False, refusal=refusal, query=text)
        return MenuResult(settings, screen, None, False, offered_zones=offered)
    chosen = _exact_zone(text)
    if chosen is not None:
        return _change(settings, replace(settings, zone=chosen), screen)
    offered = tuple(timezones.find_zones(text))
    if not offered:
        refusal = ZoneRefusal.UNKNOWN_ZONE
        return MenuResult(settings, screen, None, False, refusal=refusal, query=text)
    return MenuResult(settings, screen, None, False, offered_zones=offered)


def _exact_zone(text: str) -> str | None:
    """The zone named exactly (full name), or the only zone with that last part."""
    wanted = "_".join(text.strip().lower().split())
    full = [zone for zone in timezones.all_zones() if zone.lower() == wanted]
    if full:
        return full[0]
    last = [zone for zone in timezones.all_zones() if zone.rsplit("/", 1)[-1].lower() == wanted]
    return last[0] if len(last) == 1 else None


def _apply_parameterised(
    settings: LearnerSettings, screen: Screen, action: str
) -> MenuResult | None:
    """A time toggle/removal on Reminders or a zone button on Timezone; None otherwise."""
    if screen is Screen.REMINDERS and (match := _TIME_ACTION.fullmatch(action)):
        at = time(int(match[2]), int(match[3]))
        if all(item.at != at for item in settings.reminder_times):
            return None
        if match[1] == "on":
            times = toggle_reminder_time(settings.reminder_times, at)
        else:
            times = remove_reminder_time(settings.reminder_times, at)
        return _change(settings, replace(settings, reminder_times=times), screen)
    if screen is Screen.TIMEZONE and (match := _ZONE_ACTION.fullmatch(action)):
        zone = timezones.zone_for_key(match[1])
        if zone is None:
            return None
        return _change(settings, replace(settings, zone=zone), screen)
    return None


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


def _step_retention(settings: LearnerSettings, screen: Screen, hundredths: int) -> MenuResult:
    """Desired retention ± 0.01, refused with a notice beyond 0.80–0.97."""
    after = round(round(settings.desired_retention * 100) + hundredths) / 100
    if after < RETENTION_MIN:
        return _refuse(settings, screen, NOTICE_RETENTION_MIN)
    if after > RETENTION_MAX:
        return _refuse(settings, screen, NOTICE_RETENTION_MAX)
    return _change(settings, replace(settings, desired_retention=after), screen)


def _step_new_cards(settings: LearnerSettings, screen: Screen, delta: int) -> MenuResult:
    """New cards per day ± `delta`, refused with a notice beyond 0–100."""
    after = settings.new_cards_per_day + delta
    if after < NEW_CARDS_MIN:
        return _refuse(settings, screen, NOTICE_NEW_CARDS_MIN)
    if after > NEW_CARDS_MAX:
        return _refuse(settings, screen, NOTICE_NEW_CARDS_MAX)
    return _change(settings, replace(settings, new_cards_per_day=after), screen)


def _stay(settings: LearnerSettings, screen: Screen) -> MenuResult:
    return MenuResult(settings, screen, None, changed=False)


def _refuse(settings: LearnerSettings, screen: Screen, notice: str) -> MenuResult:
    return MenuResult(settings, screen, notice, changed=False)


def _change(before: LearnerSettings, after: LearnerSettings, screen: Screen) -> MenuResult:
    return MenuResult(after, screen, None, changed=after != before)
