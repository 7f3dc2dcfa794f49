"""Settings from a TOML file and WORDBOT_* environment overrides (SPEC §1.3)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from wordbot.config import ConfigError, Secret, Settings, load_settings

TOKEN = "123456789:AAE-secret_TokenValue"
CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"
EXAMPLE = CONFIG_DIR / "wordbot.example.toml"

# The defaults table of SPEC §1.3, written out so a changed default fails here.
SPEC_DEFAULTS = {
    "telegram.token": None,
    "telegram.api_url": "https://api.telegram.org",
    "telegram.mode": "polling",
    "telegram.max_messages_per_second": 25,
    "telegram.per_chat_per_second": 1,
    "telegram.per_chat_burst": 4,
    "database.url": "sqlite:///wordbot.db",
    "reminders.morning": "08:00",
    "reminders.afternoon": "13:00",
    "reminders.evening": "20:00",
    "reminders.active_grace_minutes": 15,
    "reminders.pause_after_misses": 9,
    "sessions.training_ttl_minutes": 1440,
    "sessions.game_idle_minutes": 15,
    "sessions.cleanup_interval_minutes": 10,
    "scheduler.tick_seconds": 60,
    "actors.idle_seconds": 300,
    "actors.max_live": 2000,
    "admin.ids": (),
    "telegram.paid_broadcast": False,
    "telegram.paid_broadcast_per_second": 1000,
}


def _value(settings: Settings, dotted: str):
    section, key = dotted.split(".")
    return getattr(getattr(settings, section), key)


def _write(tmp_path: Path, text: str, name: str = "wordbot.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _settings_keys() -> dict[str, set[str]]:
    defaults = Settings()
    return {
        section.name: {key.name for key in dataclasses.fields(getattr(defaults, section.name))}
        for section in dataclasses.fields(Settings)
    }


# --- defaults, file, environment -----------------------------------------------------------


@pytest.mark.parametrize(("dotted", "expected"), SPEC_DEFAULTS.items(), ids=SPEC_DEFAULTS.keys())
def test_defaults_equal_the_spec_table(dotted, expected):
    assert _value(load_settings(environ={}), dotted) == expected
    assert _value(Settings(), dotted) == expected


def test_no_file_and_empty_environment_give_default_settings():
    assert load_settings(None, environ={}) == Settings()


def test_toml_file_values_are_read(tmp_path):
    path = _write(
        tmp_path,
        """
        [telegram]
        api_url = "http://127.0.0.1:8081"
        max_messages_per_second = 10
        per_chat_per_second = 0.5
        [database]
        url = "postgresql://bot:pw@db:5432/wordbot"
        [reminders]
        morning = "07:30"
        [sessions]
        game_idle_minutes = 5
        [scheduler]
        tick_seconds = 30
        [actors]
        max_live = 10
        [admin]
        ids = [111, 222]
        [logging]
        level = "DEBUG"
        """,
    )
    settings = load_settings(path, environ={})
    assert settings.telegram.api_url == "http://127.0.0.1:8081"
    assert settings.telegram.max_messages_per_second == 10.0
    assert settings.telegram.per_chat_per_second == 0.5
    assert settings.database.url == "postgresql://bot:pw@db:5432/wordbot"
    assert settings.reminders.morning == "07:30"
    assert settings.reminders.evening == "20:00"  # keys absent from the file keep defaults
    assert settings.sessions.game_idle_minutes == 5
    assert settings.scheduler.tick_seconds == 30
    assert settings.actors.max_live == 10
    assert settings.admin.ids == (111, 222)
    assert settings.logging.level == "DEBUG"


def test_env_override_wins_over_file(tmp_path):
    path = _write(tmp_path, "[sessions]\ngame_idle_minutes = 30\ntraining_ttl_minutes = 60\n")
    settings = load_settings(path, environ={"WORDBOT_SESSIONS_GAME_IDLE_MINUTES": "1"})
    assert settings.sessions.game_idle_minutes == 1
    assert settings.sessions.training_ttl_minutes == 60


@pytest.mark.parametrize(
    ("variable", "text", "dotted", "expected"),
    [
        pytest.param("WORDBOT_TELEGRAM_TOKEN", TOKEN, "telegram.token", Secret(TOKEN), id="token"),
        pytest.param(
            "WORDBOT_TELEGRAM_API_URL",
            "http://127.0.0.1:9000",
            "telegram.api_url",
            "http://127.0.0.1:9000",
            id="api_url",
        ),
        pytest.param(
            "WORDBOT_DATABASE_URL",
            "postgresql://u:p@localhost:5432/wb",
            "database.url",
            "postgresql://u:p@localhost:5432/wb",
            id="database_url",
        ),
        pytest.param("WORDBOT_REMINDERS_EVENING", "21:15", "reminders.evening", "21:15", id="time"),
        pytest.param(
            "WORDBOT_TELEGRAM_PER_CHAT_PER_SECOND",
            "0.5",
            "telegram.per_chat_per_second",
            0.5,
            id="float",
        ),
    ],
)
def test_environment_variable_sets_its_key(variable, text, dotted, expected):
    assert _value(load_settings(environ={variable: text}), dotted) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("TRUE", True), ("yes", True), ("1", True), ("on", True)]
    + [("false", False), ("No", False), ("0", False), (" off ", False)],
)
def test_paid_broadcast_switch_from_the_environment(text, expected):
    settings = load_settings(environ={"WORDBOT_TELEGRAM_PAID_BROADCAST": text})
    assert settings.telegram.paid_broadcast is expected


def test_paid_broadcast_from_toml(tmp_path):
    path = _write(tmp_path, "[telegram]\npaid_broadcast = true\npaid_broadcast_per_second = 500\n")
    telegram = load_settings(path, environ={}).telegram
    assert (telegram.paid_broadcast, telegram.paid_broadcast_per_second) == (True, 500.0)


def test_paid_broadcast_stays_off_when_only_its_pace_is_set():
    telegram = load_settings(environ={"WORDBOT_TELEGRAM_PAID_BROADCAST_PER_SECOND": "900"}).telegram
    assert telegram.paid_broadcast is False
    assert telegram.paid_broadcast_per_second == 900.0


def test_shortcut_env_vars_override_the_file(tmp_path):
    path = _write(
        tmp_path,
        '[telegram]\ntoken = "from-file"\napi_url = "https://file.example"\n'
        '[database]\nurl = "sqlite:///file.db"\n',
    )
    settings = load_settings(
        path,
        environ={
            "WORDBOT_TELEGRAM_TOKEN": TOKEN,
            "WORDBOT_TELEGRAM_API_URL": "http://127.0.0.1:9000",
            "WORDBOT_DATABASE_URL": "sqlite:///env.db",
        },
    )
    assert settings.telegram.token.reveal() == TOKEN
    assert settings.telegram.api_url == "http://127.0.0.1:9000"
    assert settings.database.url == "sqlite:///env.db"


def test_wordbot_config_env_var_picks_the_file(tmp_path):
    path = _write(tmp_path, "[actors]\nmax_live = 7\n")
    settings = load_settings(environ={"WORDBOT_CONFIG": str(path)})
    assert settings.actors.max_live == 7


def test_explicit_path_wins_over_wordbot_config(tmp_path):
    chosen = _write(tmp_path, "[actors]\nmax_live = 7\n", name="chosen.toml")
    other = _write(tmp_path, "[actors]\nmax_live = 9\n", name="other.toml")
    settings = load_settings(chosen, environ={"WORDBOT_CONFIG": str(other)})
    assert settings.actors.max_live == 7


def test_admin_ids_from_toml_list(tmp_path):
    path = _write(tmp_path, "[admin]\nids = [1, 2]\n")
    assert load_settings(path, environ={}).admin.ids == (1, 2)


@pytest.mark.parametrize("text", ["1,2", "1, 2", " 1 2 "])
def test_admin_ids_from_env_list(text):
    assert load_settings(environ={"WORDBOT_ADMIN_IDS": text}).admin.ids == (1, 2)


def test_token_from_toml_file_is_a_secret(tmp_path):
    path = _write(tmp_path, f'[telegram]\ntoken = "{TOKEN}"\n')
    token = load_settings(path, environ={}).telegram.token
    assert isinstance(token, Secret)
    assert token.reveal() == TOKEN


# --- invalid values ------------------------------------------------------------------------


def _error(toml: str | None, environ: dict[str, str], tmp_path: Path) -> str:
    path = _write(tmp_path, toml) if toml is not None else None
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ=environ)
    return str(caught.value)


@pytest.mark.parametrize(
    ("toml", "environ", "dotted"),
    [
        pytest.param(
            None,
            {"WORDBOT_SESSIONS_GAME_IDLE_MINUTES": "ten"},
            "sessions.game_idle_minutes",
            id="env_non_integer",
        ),
        pytest.param(
            None,
            {"WORDBOT_SESSIONS_GAME_IDLE_MINUTES": ""},
            "sessions.game_idle_minutes",
            id="env_empty_integer",
        ),
        pytest.param(
            '[sessions]\ngame_idle_minutes = "15"\n',
            {},
            "sessions.game_idle_minutes",
            id="toml_string_for_integer",
        ),
        pytest.param(
            "[scheduler]\ntick_seconds = 1.5\n", {}, "scheduler.tick_seconds", id="toml_float"
        ),
        pytest.param("[actors]\nmax_live = true\n", {}, "actors.max_live", id="toml_bool"),
        pytest.param(
            None,
            {"WORDBOT_TELEGRAM_MAX_MESSAGES_PER_SECOND": "fast"},
            "telegram.max_messages_per_second",
            id="env_non_number",
        ),
        pytest.param(
            None, {"WORDBOT_ACTORS_IDLE_SECONDS": "-1"}, "actors.idle_seconds", id="env_negative"
        ),
        pytest.param(
            "[reminders]\nactive_grace_minutes = -1\n",
            {},
            "reminders.active_grace_minutes",
            id="toml_negative",
        ),
        pytest.param(
            "[sessions]\ncleanup_interval_minutes = 0\n",
            {},
            "sessions.cleanup_interval_minutes",
            id="zero_period",
        ),
        pytest.param(
            None,
            {"WORDBOT_TELEGRAM_PER_CHAT_PER_SECOND": "-0.5"},
            "telegram.per_chat_per_second",
            id="negative_rate",
        ),
        pytest.param('[reminders]\nmorning = "25:00"\n', {}, "reminders.morning", id="hour_25"),
        pytest.param('[reminders]\nevening = "20:60"\n', {}, "reminders.evening", id="minute_60"),
        pytest.param(None, {"WORDBOT_REMINDERS_AFTERNOON": "1pm"}, "reminders.afternoon", id="1pm"),
        pytest.param('[reminders]\nmorning = ""\n', {}, "reminders.morning", id="empty_time"),
        pytest.param(
            '[telegram]\napi_url = "ftp://api.telegram.org"\n',
            {},
            "telegram.api_url",
            id="api_url_ftp",
        ),
        pytest.param(
            None,
            {"WORDBOT_TELEGRAM_API_URL": "api.telegram.org"},
            "telegram.api_url",
            id="no_scheme",
        ),
        pytest.param(
            None,
            {"WORDBOT_DATABASE_URL": "mysql://u:p@h/db"},
            "database.url",
            id="database_url_mysql",
        ),
        pytest.param('[telegram]\nmode = "push"\n', {}, "telegram.mode", id="unknown_mode"),
        pytest.param('[logging]\nlevel = "LOUD"\n', {}, "logging.level", id="unknown_level"),
        pytest.param("[telegram]\ntokn = 1\n", {}, "telegram.tokn", id="unknown_key"),
        pytest.param("[telegramm]\ntoken = 1\n", {}, "telegramm", id="unknown_section"),
        pytest.param("telegram = 5\n", {}, "telegram", id="section_not_a_table"),
        pytest.param('[admin]\nids = "1,2"\n', {}, "admin.ids", id="ids_string_in_toml"),
        pytest.param('[admin]\nids = [1, "2"]\n', {}, "admin.ids", id="ids_mixed_list"),
        pytest.param(None, {"WORDBOT_ADMIN_IDS": "1,x"}, "admin.ids", id="ids_env_non_integer"),
        pytest.param(
            '[telegram]\npaid_broadcast = "yes"\n',
            {},
            "telegram.paid_broadcast",
            id="paid_broadcast_string_in_toml",
        ),
        pytest.param(
            "[telegram]\npaid_broadcast = 1\n", {}, "telegram.paid_broadcast", id="paid_int"
        ),
        pytest.param(
            None,
            {"WORDBOT_TELEGRAM_PAID_BROADCAST": "maybe"},
            "telegram.paid_broadcast",
            id="paid_broadcast_env_word",
        ),
        pytest.param(
            None,
            {"WORDBOT_TELEGRAM_PAID_BROADCAST": ""},
            "telegram.paid_broadcast",
            id="paid_broadcast_env_empty",
        ),
        pytest.param(
            "[telegram]\npaid_broadcast_per_second = 0\n",
            {},
            "telegram.paid_broadcast_per_second",
            id="paid_rate_zero",
        ),
        pytest.param(
            None,
            {"WORDBOT_TELEGRAM_PAID_BROADCAST_PER_SECOND": "-5"},
            "telegram.paid_broadcast_per_second",
            id="paid_rate_negative",
        ),
        pytest.param(
            None,
            {"WORDBOT_TELEGRAM_PAID_BROADCAST_PER_SECOND": "nan-ish"},
            "telegram.paid_broadcast_per_second",
            id="paid_rate_not_a_number",
        ),
        pytest.param(
            '[telegram]\npaid_broadcast_per_second = "1000"\n',
            {},
            "telegram.paid_broadcast_per_second",
            id="paid_rate_string_in_toml",
        ),
    ],
)
def test_invalid_value_names_its_key_in_one_line(toml, environ, dotted, tmp_path):
    message = _error(toml, environ, tmp_path)
    assert message.startswith(f"{dotted}: ")
    assert "\n" not in message


@pytest.mark.parametrize(
    "toml", ['[telegram]\n"to\\nken" = 1\n', '["tele\\ngram"]\nx = 1\n'], ids=["key", "section"]
)
def test_unknown_name_with_newline_still_gives_one_line(toml, tmp_path):
    assert "\n" not in _error(toml, {}, tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[telegram\n", id="unclosed_table"),
        pytest.param("[actors]\nmax_live = \n", id="missing_value"),
        pytest.param("[actors]\nmax_live = 1\nmax_live = 2\n", id="duplicate_key"),
    ],
)
def test_invalid_toml_names_the_file_in_one_line(text, tmp_path):
    path = _write(tmp_path, text)
    message = _error(text, {}, tmp_path)
    assert message.startswith(f"config file {path}: invalid TOML")
    assert "\n" not in message


def test_missing_file_names_the_file_in_one_line(tmp_path):
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError) as caught:
        load_settings(missing, environ={})
    assert str(caught.value) == f"config file {missing}: not found"


def test_missing_file_from_wordbot_config_is_an_error(tmp_path):
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError, match="not found"):
        load_settings(environ={"WORDBOT_CONFIG": str(missing)})


# --- the token stays secret ----------------------------------------------------------------


def test_token_never_appears_when_settings_are_printed():
    settings = load_settings(environ={"WORDBOT_TELEGRAM_TOKEN": TOKEN})
    for shown in (repr(settings), str(settings), repr(settings.telegram), str(settings.telegram)):
        assert TOKEN not in shown
        assert "********" in shown


@pytest.mark.parametrize(
    ("toml", "environ"),
    [
        pytest.param("[telegram]\ntoken = 123456789\n", {}, id="token_wrong_type"),
        pytest.param(f'[telegram]\ntoken = "{TOKEN}\n', {}, id="unterminated_token_string"),
        pytest.param(f"[telegram]\ntoken = {TOKEN}\n", {}, id="unquoted_token"),
        pytest.param(f'[telegram]\ntoken = "{TOKEN}"\nmode = "push"\n', {}, id="other_key_invalid"),
        pytest.param(
            None,
            {"WORDBOT_TELEGRAM_TOKEN": TOKEN, "WORDBOT_ACTORS_MAX_LIVE": "x"},
            id="env_token_other_key_invalid",
        ),
    ],
)
def test_token_never_appears_in_config_errors(toml, environ, tmp_path):
    message = _error(toml, environ, tmp_path)
    assert "123456789" not in message  # not even the token's id part


@pytest.mark.parametrize(
    "environ", [{}, {"WORDBOT_TELEGRAM_TOKEN": ""}, {"WORDBOT_TELEGRAM_TOKEN": "  "}]
)
def test_require_token_without_a_token_names_telegram_token(environ):
    with pytest.raises(ConfigError) as caught:
        load_settings(environ=environ).require_token()
    assert str(caught.value).startswith("telegram.token: ")


def test_require_token_on_default_settings_names_telegram_token():
    with pytest.raises(ConfigError, match=r"^telegram\.token: "):
        Settings().require_token()


def test_require_token_returns_the_secret():
    settings = load_settings(environ={"WORDBOT_TELEGRAM_TOKEN": TOKEN})
    assert settings.require_token().reveal() == TOKEN


# --- config/wordbot.example.toml never rots ------------------------------------------------


def _keys_mentioned_per_section(text: str) -> dict[str, set[str]]:
    """Sections and the keys set or shown commented out (`key =` / `# key =`) in each."""
    mentioned: dict[str, set[str]] = {}
    section = None
    for line in text.splitlines():
        if header := re.fullmatch(r"\[([a-z_]+)\]\s*", line):
            section = header[1]
            mentioned[section] = set()
        elif (key := re.match(r"#?\s*([a-z_]+)\s*=", line)) and section is not None:
            mentioned[section].add(key[1])
    return mentioned


def test_example_config_loads_into_exactly_the_defaults():
    assert load_settings(EXAMPLE, environ={}) == Settings()


def test_example_config_mentions_every_section_and_key():
    mentioned = _keys_mentioned_per_section(EXAMPLE.read_text(encoding="utf-8"))
    assert mentioned == _settings_keys()


def test_example_config_keeps_the_token_commented_out():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert re.search(r"^# token = ", text, re.MULTILINE)
    assert not re.search(r"^token\s*=", text, re.MULTILINE)
    assert "WORDBOT_TELEGRAM_TOKEN" in text


def test_env_example_holds_no_secret_value():
    lines = (CONFIG_DIR / "wordbot.env.example").read_text(encoding="utf-8").splitlines()
    settings = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    assert settings == ["WORDBOT_TELEGRAM_TOKEN="]


def test_a_bad_database_url_never_shows_its_password():
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"WORDBOT_DATABASE_URL": "mysql://bob:hunter2@db/x"})
    assert "hunter2" not in str(caught.value) and "database.url" in str(caught.value)
