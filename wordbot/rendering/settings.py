"""Texts and keyboards of /settings (SPEC §8, §15): one message per screen, edited in place.

`settings_text`/`settings_keyboard` render the §8 menu the actors show today (offsets and three
slots). `menu_text`/`menu_keyboard` render the §15 menu (IANA zone, own reminder times,
language) from the same reducer; the actors switch to them when they are rewired.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from wordbot.callback_data import SETTINGS_SCOPE, encode_callback
from wordbot.domain.reminder_times import MAX_REMINDER_TIMES, TimeRefusal
from wordbot.domain.retention_dial import DialShown
from wordbot.domain.settings_menu import (
    CARDS_MAX,
    CARDS_MIN,
    CARDS_PRESETS,
    NEW_CARDS_MAX,
    NEW_CARDS_MIN,
    NOTICE_CARDS_MAX,
    NOTICE_CARDS_MIN,
    NOTICE_NEW_CARDS_MAX,
    NOTICE_NEW_CARDS_MIN,
    NOTICE_RETENTION_MAX,
    NOTICE_RETENTION_MIN,
    NOTICE_TOO_MANY_TIMES,
    NOTICE_TZ_MAX,
    NOTICE_TZ_MIN,
    RETENTION_MAX,
    RETENTION_MIN,
    TZ_MAX,
    TZ_MIN,
    Action,
    LearnerSettings,
    Screen,
    Slot,
    ZoneRefusal,
    preset_action,
    remove_time_action,
    toggle_action,
    toggle_time_action,
    zone_action,
)
from wordbot.domain.timezones import COMMON_ZONES
from wordbot.effects import Button, Keyboard
from wordbot.i18n import LANGUAGE_NAMES, N_, SUPPORTED_LANGUAGES, ngettext
from wordbot.i18n import gettext as _
from wordbot.rendering.html import escape
from wordbot.rendering.retention_dial import dial_text

__all__ = [
    "SETTINGS_SCOPE",
    "menu_keyboard",
    "menu_text",
    "settings_keyboard",
    "settings_notice",
    "settings_text",
    "utc_offset",
]

_MINUS = "−"  # U+2212, as in "UTC−5"
_SHOWN_QUERY = 64  # characters of a typed query repeated in a hint
_SLOT_NAMES = {
    Slot.MORNING: N_("morning"),
    Slot.AFTERNOON: N_("afternoon"),
    Slot.EVENING: N_("evening"),
}
_SLOT_LABELS = {
    Slot.MORNING: N_("Morning"),
    Slot.AFTERNOON: N_("Afternoon"),
    Slot.EVENING: N_("Evening"),
}


def utc_offset(hours: int) -> str:
    """A timezone as the learner reads it: "UTC", "UTC+3", "UTC−5"."""
    if hours == 0:
        return "UTC"
    return f"UTC+{hours}" if hours > 0 else f"UTC{_MINUS}{-hours}"


def settings_text(
    settings: LearnerSettings, screen: Screen, slot_times: Mapping[Slot, str], *, lang: str = "en"
) -> str:
    """The §8 menu message for `screen`; `slot_times` are the configured "HH:MM" of each slot."""
    cards = settings.cards_per_session
    zone = utc_offset(settings.timezone_offset_hours)
    reminders = _enabled_reminders(settings, slot_times, lang)
    match screen:
        case Screen.HOME:
            return _(
                "<b>Settings</b>\n"
                "Cards per session: {cards}\n"
                "Reminders: {reminders}\n"
                "Timezone: {zone}",
                lang,
            ).format(cards=cards, reminders=reminders, zone=zone)
        case Screen.CARDS:
            return _cards_text(cards, lang)
        case Screen.REMINDERS:
            return _(
                "<b>Reminders: {reminders}</b>\n"
                "Tap a slot to turn it on or off; times are in your timezone ({zone}).",
                lang,
            ).format(reminders=reminders, zone=zone)
        case Screen.TIMEZONE:
            return _(
                "<b>Timezone: {zone}</b>\n"
                "Your offset from UTC in hours ({lowest} to {highest}); reminders follow it.",
                lang,
            ).format(zone=zone, lowest=utc_offset(TZ_MIN), highest=utc_offset(TZ_MAX))
        case Screen.LEARNING:
            return _learning_text(settings, lang)
        case Screen.CLOSED:
            return _closed_text(lang)
    raise ValueError(f"unknown settings screen {screen!r}")


def settings_keyboard(
    settings: LearnerSettings,
    screen: Screen,
    token: str,
    slot_times: Mapping[Slot, str],
    *,
    lang: str = "en",
) -> Keyboard | None:
    """The §8 buttons of `screen`; None once closed, so the edit removes the keyboard."""
    match screen:
        case Screen.HOME:
            return (
                (
                    _button(_("Cards", lang), Action.CARDS, token),
                    _button(_("Reminders", lang), Action.REMINDERS, token),
                    _button(_("Timezone", lang), Action.TIMEZONE, token),
                ),
                (
                    _button(_("Learning", lang), Action.LEARNING, token),
                    _button(_("Close", lang), Action.CLOSE, token),
                ),
            )
        case Screen.CARDS:
            return _cards_keyboard(settings, token, lang)
        case Screen.LEARNING:
            return _learning_keyboard(settings, token, lang)
        case Screen.REMINDERS:
            return (
                *(
                    (
                        _button(
                            _slot_label(settings, slot, slot_times, lang),
                            toggle_action(slot),
                            token,
                        ),
                    )
                    for slot in Slot
                ),
                _back_row(token, lang),
            )
        case Screen.TIMEZONE:
            return (
                (
                    _button(_("{minus}1 h", lang).format(minus=_MINUS), Action.TZ_DEC, token),
                    _button(utc_offset(settings.timezone_offset_hours), Action.NOOP, token),
                    _button(_("+1 h", lang), Action.TZ_INC, token),
                ),
                _back_row(token, lang),
            )
        case Screen.CLOSED:
            return None
    raise ValueError(f"unknown settings screen {screen!r}")


def menu_text(
    settings: LearnerSettings,
    screen: Screen,
    *,
    refusal: TimeRefusal | ZoneRefusal | None = None,
    query: str = "",
    dial: DialShown | None = None,
    lang: str = "en",
) -> str:
    """The §15 menu message for `screen`, with the hint for a refused typed text if any, and
    on the Learning screen the retention dial block when `dial` is given (SPEC §12)."""
    match screen:
        case Screen.HOME:
            text = _(
                "<b>Settings</b>\n"
                "Cards per session: {cards}\n"
                "Reminders: {reminders}\n"
                "Timezone: {zone}\n"
                "Language: {language}",
                lang,
            ).format(
                cards=settings.cards_per_session,
                reminders=_enabled_times(settings, lang),
                zone=escape(settings.zone),
                language=LANGUAGE_NAMES.get(settings.language, settings.language),
            )
        case Screen.CARDS:
            text = _cards_text(settings.cards_per_session, lang)
        case Screen.REMINDERS:
            text = _(
                "<b>Reminders: {reminders}</b>\n"
                "Tap a time to turn it on or off, 🗑 to remove it; times are in your "
                "timezone ({zone}).",
                lang,
            ).format(reminders=_enabled_times(settings, lang), zone=escape(settings.zone))
        case Screen.ADD_TIME:
            text = ngettext(
                "<b>＋ Add time</b>\nType the time as HH:MM in 5-minute steps, for example "
                "07:30. You can have up to {count} times.",
                "<b>＋ Add time</b>\nType the time as HH:MM in 5-minute steps, for example "
                "07:30. You can have up to {count} times.",
                MAX_REMINDER_TIMES,
                lang,
            ).format(count=MAX_REMINDER_TIMES)
        case Screen.TIMEZONE:
            text = _(
                "<b>Timezone: {zone}</b>\n"
                "Type a city or zone name (for example Berlin) or your local time (for "
                "example 14:35), or pick one below.",
                lang,
            ).format(zone=escape(settings.zone))
        case Screen.LANGUAGE:
            text = _("<b>Language: {language}</b>\nChoose the language I speak.", lang).format(
                language=LANGUAGE_NAMES.get(settings.language, settings.language)
            )
        case Screen.LEARNING:
            text = _learning_text(settings, lang)
            if dial is not None:
                current = settings.desired_retention if settings.scheduler == "fsrs" else None
                text += "\n\n" + dial_text(dial, current, lang=lang)
        case Screen.CLOSED:
            return _closed_text(lang)
        case _:
            raise ValueError(f"unknown settings screen {screen!r}")
    if refusal is not None:
        text += "\n\n⚠️ " + _refusal_hint(refusal, query, lang)
    return text


def menu_keyboard(
    settings: LearnerSettings,
    screen: Screen,
    token: str,
    *,
    offered_zones: Sequence[str] = (),
    lang: str = "en",
) -> Keyboard | None:
    """The §15 buttons of `screen` (zones: `offered_zones`, else the common ones); None once
    closed, so the edit removes the keyboard."""
    match screen:
        case Screen.HOME:
            return (
                (
                    _button(_("Cards", lang), Action.CARDS, token),
                    _button(_("Reminders", lang), Action.REMINDERS, token),
                ),
                (
                    _button(_("Timezone", lang), Action.TIMEZONE, token),
                    _button(_("Language", lang), Action.LANGUAGE, token),
                ),
                (
                    _button(_("Learning", lang), Action.LEARNING, token),
                    _button(_("Close", lang), Action.CLOSE, token),
                ),
            )
        case Screen.CARDS:
            return _cards_keyboard(settings, token, lang)
        case Screen.LEARNING:
            return _learning_keyboard(settings, token, lang)
        case Screen.REMINDERS:
            rows: list[tuple[Button, ...]] = [
                (
                    _raw_button(
                        f"{'✅' if item.enabled else '❌'} {item.label}",
                        toggle_time_action(item.at),
                        token,
                    ),
                    _raw_button("🗑", remove_time_action(item.at), token),
                )
                for item in settings.reminder_times
            ]
            if len(settings.reminder_times) < MAX_REMINDER_TIMES:
                rows.append((_button(_("＋ Add time", lang), Action.ADD_TIME, token),))
            rows.append(_back_row(token, lang))
            return tuple(rows)
        case Screen.ADD_TIME:
            return ((_button(_("« Back", lang), Action.REMINDERS, token),),)
        case Screen.TIMEZONE:
            zones = list(offered_zones) or list(COMMON_ZONES)
            buttons = [
                _raw_button(_marked(zone, zone == settings.zone), zone_action(zone), token)
                for zone in zones
            ]
            pairs = tuple(tuple(buttons[index : index + 2]) for index in range(0, len(buttons), 2))
            return (*pairs, _back_row(token, lang))
        case Screen.LANGUAGE:
            return (
                tuple(
                    _button(
                        _marked(LANGUAGE_NAMES[code], code == settings.language),
                        Action(f"lang_{code}"),
                        token,
                    )
                    for code in SUPPORTED_LANGUAGES
                ),
                _back_row(token, lang),
            )
        case Screen.CLOSED:
            return None
    raise ValueError(f"unknown settings screen {screen!r}")


def settings_notice(notice: str | None, *, lang: str = "en") -> str | None:
    """A reducer's notice (`MenuResult.notice`, English) in the learner's language."""
    if notice is None:
        return None
    match notice:
        case _ if notice == NOTICE_CARDS_MIN:
            return ngettext(
                "At least {count} card per session.",
                "At least {count} cards per session.",
                CARDS_MIN,
                lang,
            ).format(count=CARDS_MIN)
        case _ if notice == NOTICE_CARDS_MAX:
            return ngettext(
                "At most {count} card per session.",
                "At most {count} cards per session.",
                CARDS_MAX,
                lang,
            ).format(count=CARDS_MAX)
        case _ if notice == NOTICE_TZ_MIN:
            return _("{offset} is the lowest offset.", lang).format(offset=utc_offset(TZ_MIN))
        case _ if notice == NOTICE_TZ_MAX:
            return _("{offset} is the highest offset.", lang).format(offset=utc_offset(TZ_MAX))
        case _ if notice == NOTICE_TOO_MANY_TIMES:
            return _too_many_times(lang)
        case _ if notice == NOTICE_RETENTION_MIN:
            return _("Desired retention is at least {percent}%.", lang).format(
                percent=_percent(RETENTION_MIN)
            )
        case _ if notice == NOTICE_RETENTION_MAX:
            return _("Desired retention is at most {percent}%.", lang).format(
                percent=_percent(RETENTION_MAX)
            )
        case _ if notice == NOTICE_NEW_CARDS_MIN:
            return _("New cards per day cannot go below {count}.", lang).format(count=NEW_CARDS_MIN)
        case _ if notice == NOTICE_NEW_CARDS_MAX:
            return ngettext(
                "At most {count} new card per day.",
                "At most {count} new cards per day.",
                NEW_CARDS_MAX,
                lang,
            ).format(count=NEW_CARDS_MAX)
    return _(notice, lang)


def _refusal_hint(refusal: TimeRefusal | ZoneRefusal, query: str, lang: str) -> str:
    shown = query.strip()
    if len(shown) > _SHOWN_QUERY:
        shown = shown[: _SHOWN_QUERY - 1] + "…"
    shown = escape(shown)
    match refusal:
        case TimeRefusal.NOT_A_TIME:
            return _("“{text}” is not a time. Type it as HH:MM, for example 07:30.", lang).format(
                text=shown
            )
        case TimeRefusal.NOT_A_STEP:
            return _("Reminder times go in 5-minute steps, for example 07:30 or 07:35.", lang)
        case TimeRefusal.TOO_MANY:
            return _too_many_times(lang)
        case TimeRefusal.ALREADY_THERE:
            return _("{text} is already one of your reminder times.", lang).format(text=shown)
        case ZoneRefusal.UNKNOWN_ZONE:
            return _(
                "I don't know a time zone called “{text}”. Try a city such as Berlin, or your "
                "local time such as 14:35.",
                lang,
            ).format(text=shown)
        case ZoneRefusal.NO_ZONE_AT_TIME:
            return _(
                "No time zone shows {text} right now. Check the time and send it again.", lang
            ).format(text=shown)
    raise ValueError(f"unknown refusal {refusal!r}")


def _too_many_times(lang: str) -> str:
    return ngettext(
        "At most {count} reminder time.",
        "At most {count} reminder times.",
        MAX_REMINDER_TIMES,
        lang,
    ).format(count=MAX_REMINDER_TIMES)


def _cards_text(cards: int, lang: str) -> str:
    return _(
        "<b>Cards per session: {cards}</b>\nHow many cards one review session shows ({low}–{high}).",
        lang,
    ).format(cards=cards, low=CARDS_MIN, high=CARDS_MAX)


_SCHEDULER_NAMES = {"fsrs": "FSRS", "sm2": "SM-2"}


def _percent(retention: float) -> int:
    return round(retention * 100)


def _learning_text(settings: LearnerSettings, lang: str) -> str:
    """SPEC §12: the scheduler, desired retention and new cards per day."""
    return _(
        "<b>Learning</b>\n"
        "Scheduler: {scheduler}\n"
        "Desired retention: {retention}%\n"
        "New cards per day: {new}\n\n"
        "FSRS times each review so you still remember the word with the retention you choose "
        "({low}–{high}%): higher means more reviews. SM-2 is the classic schedule.",
        lang,
    ).format(
        scheduler=_SCHEDULER_NAMES.get(settings.scheduler, settings.scheduler),
        retention=_percent(settings.desired_retention),
        new=settings.new_cards_per_day,
        low=_percent(RETENTION_MIN),
        high=_percent(RETENTION_MAX),
    )


def _learning_keyboard(settings: LearnerSettings, token: str, lang: str) -> Keyboard:
    return (
        tuple(
            _button(_marked(name, code == settings.scheduler), Action(f"sched_{code}"), token)
            for code, name in _SCHEDULER_NAMES.items()
        ),
        (
            _button(f"{_MINUS}1%", Action.RET_DEC, token),
            _button(
                _("Retention {percent}%", lang).format(
                    percent=_percent(settings.desired_retention)
                ),
                Action.NOOP,
                token,
            ),
            _button("+1%", Action.RET_INC, token),
        ),
        (
            _button(f"{_MINUS}5", Action.NEW_DEC_5, token),
            _button(f"{_MINUS}1", Action.NEW_DEC, token),
            _button(
                _("{count} new/day", lang).format(count=settings.new_cards_per_day),
                Action.NOOP,
                token,
            ),
            _button("+1", Action.NEW_INC, token),
            _button("+5", Action.NEW_INC_5, token),
        ),
        _back_row(token, lang),
    )


def _closed_text(lang: str) -> str:
    return _("Settings saved ✅", lang)


def _cards_keyboard(settings: LearnerSettings, token: str, lang: str) -> Keyboard:
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
        _back_row(token, lang),
    )


def _enabled_reminders(settings: LearnerSettings, slot_times: Mapping[Slot, str], lang: str) -> str:
    """The slots that are on with their times, "morning 08:00, evening 20:00", or "off"."""
    enabled = [
        f"{_(_SLOT_NAMES[slot], lang)} {escape(slot_times[slot])}"
        for slot in settings.enabled_slots
    ]
    return ", ".join(enabled) if enabled else _("off", lang)


def _enabled_times(settings: LearnerSettings, lang: str) -> str:
    """The reminder times that are on, "08:00, 20:00", or "off"."""
    enabled = [item.label for item in settings.reminder_times if item.enabled]
    return ", ".join(enabled) if enabled else _("off", lang)


def _slot_label(
    settings: LearnerSettings, slot: Slot, slot_times: Mapping[Slot, str], lang: str
) -> str:
    mark = "✅" if settings.reminder_on(slot) else "❌"
    return f"{mark} {_(_SLOT_LABELS[slot], lang)} {slot_times[slot]}"


def _marked(label: str, current: bool) -> str:
    return f"• {label}" if current else label


def _back_row(token: str, lang: str) -> tuple[Button, ...]:
    return (_button(_("« Back", lang), Action.HOME, token),)


def _button(label: str, action: Action, token: str) -> Button:
    return Button(label, encode_callback(SETTINGS_SCOPE, action.value, token))


def _raw_button(label: str, action: str, token: str) -> Button:
    return Button(label, encode_callback(SETTINGS_SCOPE, action, token))
