"""Configuration: a TOML file, then WORDBOT_<SECTION>_<KEY> environment overrides, into one typed object."""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ActorsSettings",
    "AdminSettings",
    "ConfigError",
    "DatabaseSettings",
    "LearningSettings",
    "LoggingSettings",
    "MetricsSettings",
    "RemindersSettings",
    "SchedulerSettings",
    "Secret",
    "SessionsSettings",
    "Settings",
    "TelegramSettings",
    "load_settings",
    "parse_listen",
]

ENV_PREFIX = "WORDBOT_"


class ConfigError(ValueError):
    """A configuration value is missing or invalid; the message names the key."""


class Secret:
    """A string that never shows itself when printed or logged."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _positive(value: float) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _non_negative(value: float) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def _one_of(*choices: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if value in choices else f"must be one of: {', '.join(choices)}"

    return check


def _clock_time(value: str) -> str | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return None
    return "must be a time of day as HH:MM"


def _http_url(value: str) -> str | None:
    return None if re.match(r"https?://[^/\s]+", value) else "must be an http(s) URL"


def _database_url(value: str) -> str | None:
    if re.match(r"(sqlite|postgres|postgresql)://", value):
        return None
    return "must start with sqlite:// or postgresql://"


_TRUE_WORDS = ("true", "yes", "on", "1")
_FALSE_WORDS = ("false", "no", "off", "0")

_LISTEN = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})")
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def parse_listen(value: str) -> tuple[str, int]:
    """`host:port` (`[::1]:9100` for IPv6) as (host, port); ValueError when it is not one."""
    match = _LISTEN.fullmatch(value)
    if not match or int(match[2]) > 65535:
        raise ValueError(f"not host:port: {value!r}")
    return match[1].strip("[]"), int(match[2])


def _host_port(value: str) -> str | None:
    try:
        parse_listen(value)
    except ValueError:
        return "must be host:port, e.g. 127.0.0.1:9100"
    return None


def _webhook_url(value: str) -> str | None:
    """Telegram delivers only to HTTPS; plain http is accepted on loopback (the emulator)."""
    match = re.fullmatch(r"(https?)://([^/\s:]+|\[[^\]]+\])(:\d+)?(/\S*)?", value)
    if match and (match[1] == "https" or match[2] in _LOOPBACK_HOSTS):
        return None
    return "must be an https:// URL (http:// only on 127.0.0.1 or localhost)"


def _log_level(value: str) -> str | None:
    levels = ("DEBUG", "INFO", "WARNING", "ERROR")
    return None if value.upper() in levels else f"must be one of: {', '.join(levels)}"


def _check(validator: Callable[[Any], str | None]) -> dict[str, Any]:
    return {"validator": validator}


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    token: Secret | None = None
    api_url: str = field(default="https://api.telegram.org", metadata=_check(_http_url))
    mode: str = field(default="polling", metadata=_check(_one_of("polling", "webhook")))
    max_messages_per_second: float = field(default=25.0, metadata=_check(_positive))
    per_chat_per_second: float = field(default=1.0, metadata=_check(_positive))
    per_chat_burst: int = field(default=4, metadata=_check(_positive))
    poll_timeout_seconds: int = field(default=25, metadata=_check(_non_negative))
    webhook_url: str | None = field(default=None, metadata=_check(_webhook_url))
    webhook_listen: str = field(default="127.0.0.1:8443", metadata=_check(_host_port))
    paid_broadcast: bool = False
    paid_broadcast_per_second: float = field(default=1000.0, metadata=_check(_positive))


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    url: str = field(default="sqlite:///wordbot.db", metadata=_check(_database_url))


@dataclass(frozen=True, slots=True)
class RemindersSettings:
    morning: str = field(default="08:00", metadata=_check(_clock_time))
    afternoon: str = field(default="13:00", metadata=_check(_clock_time))
    evening: str = field(default="20:00", metadata=_check(_clock_time))
    active_grace_minutes: int = field(default=15, metadata=_check(_non_negative))
    pause_after_misses: int = field(default=9, metadata=_check(_positive))


@dataclass(frozen=True, slots=True)
class SessionsSettings:
    training_ttl_minutes: int = field(default=1440, metadata=_check(_positive))
    game_idle_minutes: int = field(default=15, metadata=_check(_positive))
    cleanup_interval_minutes: int = field(default=10, metadata=_check(_positive))


@dataclass(frozen=True, slots=True)
class SchedulerSettings:
    tick_seconds: int = field(default=60, metadata=_check(_positive))


@dataclass(frozen=True, slots=True)
class LearningSettings:
    optimize_min_reviews: int = field(default=400, metadata=_check(_positive))


@dataclass(frozen=True, slots=True)
class ActorsSettings:
    idle_seconds: int = field(default=300, metadata=_check(_positive))
    max_live: int = field(default=2000, metadata=_check(_positive))


@dataclass(frozen=True, slots=True)
class AdminSettings:
    ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class LoggingSettings:
    level: str = field(default="INFO", metadata=_check(_log_level))


@dataclass(frozen=True, slots=True)
class MetricsSettings:
    listen: str | None = field(default=None, metadata=_check(_host_port))


@dataclass(frozen=True, slots=True)
class Settings:
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    reminders: RemindersSettings = field(default_factory=RemindersSettings)
    sessions: SessionsSettings = field(default_factory=SessionsSettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    learning: LearningSettings = field(default_factory=LearningSettings)
    actors: ActorsSettings = field(default_factory=ActorsSettings)
    admin: AdminSettings = field(default_factory=AdminSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)

    def require_token(self) -> Secret:
        if self.telegram.token is None or not self.telegram.token.reveal():
            raise ConfigError(
                "telegram.token: required to run the bot "
                "(set WORDBOT_TELEGRAM_TOKEN or [telegram] token)"
            )
        return self.telegram.token


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the TOML file (if any) and the environment into validated Settings."""
    environ = os.environ if environ is None else environ
    path = path or environ.get(f"{ENV_PREFIX}CONFIG") or None
    document = _read_toml(Path(path)) if path else {}
    unknown = set(document) - {f.name for f in dataclasses.fields(Settings)}
    if unknown:
        raise ConfigError(f"{_printable(sorted(unknown)[0])}: unknown configuration section")
    sections = {}
    for section in dataclasses.fields(Settings):
        raw = document.get(section.name, {})
        if not isinstance(raw, dict):
            raise ConfigError(f"{section.name}: must be a table ([{section.name}])")
        sections[section.name] = _load_section(section.name, raw, environ)
    settings = Settings(**sections)
    _check_mode(settings.telegram)
    return settings


def _check_mode(telegram: TelegramSettings) -> None:
    """Keys that only make sense together (SPEC §16)."""
    if telegram.mode == "webhook" and not telegram.webhook_url:
        raise ConfigError(
            "telegram.webhook_url: required when telegram.mode is webhook "
            "(the public https:// URL your TLS proxy forwards to telegram.webhook_listen)"
        )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path}: not found") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path}: invalid TOML ({error})") from None


def _load_section(name: str, raw: dict[str, Any], environ: Mapping[str, str]) -> Any:
    cls = _SECTION_TYPES[name]
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    for key in raw:
        if key not in known:
            raise ConfigError(f"{name}.{_printable(key)}: unknown configuration key")
    values = {}
    for key, spec in known.items():
        dotted = f"{name}.{key}"
        env_name = f"{ENV_PREFIX}{name}_{key}".upper()
        if env_name in environ:
            value = _from_text(dotted, hints[key], environ[env_name])
        elif key in raw:
            value = _from_toml(dotted, hints[key], raw[key])
        else:
            continue
        validator = spec.metadata.get("validator")
        problem = validator(value) if validator and value is not None else None
        if problem:
            raise ConfigError(f"{dotted}: {problem} (got {_shown(dotted, value)})")
        values[key] = value
    return cls(**values)


def _printable(name: str) -> str:
    """A name as typed, or quoted when it holds characters that would break the one-line error."""
    return name if name.isprintable() else repr(name)


def _shown(dotted: str, value: Any) -> str:
    if dotted == "telegram.token":
        return "********"
    if dotted == "database.url" and isinstance(value, str):
        return repr(re.sub(r"//[^/@]*@", "//********@", value))  # user and password
    return repr(value)


def _base_type(hint: Any) -> Any:
    if isinstance(hint, types.UnionType):
        return next(arg for arg in typing.get_args(hint) if arg is not type(None))
    return hint


def _from_text(dotted: str, hint: Any, text: str) -> Any:
    base = _base_type(hint)
    text = text.strip()
    if not text and base is not hint:  # an optional key set empty is unset: `metrics.listen=`
        return None
    try:
        if base is Secret:
            return Secret(text) if text else None
        if base is bool:
            return _boolean(text)
        if base is int:
            return int(text)
        if base is float:
            return float(text)
        if typing.get_origin(base) is tuple:
            return tuple(int(part) for part in text.replace(",", " ").split())
        return text
    except ValueError:
        raise ConfigError(
            f"{dotted}: expected {_type_name(base)}, got {_shown(dotted, text)}"
        ) from None


def _boolean(text: str) -> bool:
    word = text.lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ValueError(text)


def _from_toml(dotted: str, hint: Any, value: Any) -> Any:
    base = _base_type(hint)
    if base is bool and isinstance(value, bool):
        return value
    if base is Secret and isinstance(value, str):
        return Secret(value) if value else None
    if base is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if base is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if base is str and isinstance(value, str):
        return value
    is_int_list = isinstance(value, list) and all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    )
    if typing.get_origin(base) is tuple and is_int_list:
        return tuple(value)
    raise ConfigError(f"{dotted}: expected {_type_name(base)}, got {_shown(dotted, value)}")


def _type_name(base: Any) -> str:
    if typing.get_origin(base) is tuple:
        return "a list of integers"
    names = {int: "an integer", float: "a number", bool: "true or false", Secret: "a string"}
    return names.get(base, "a string")


_SECTION_TYPES: dict[str, type] = {
    f.name: typing.get_type_hints(Settings)[f.name] for f in dataclasses.fields(Settings)
}
