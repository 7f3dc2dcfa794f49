"""Configuration keys for operating the bot (SPEC §1.3, §16): webhook and metrics."""

from __future__ import annotations

import pytest

from wordbot.config import ConfigError, Settings, load_settings, parse_listen


def test_operating_keys_default_to_polling_without_metrics():
    settings = Settings()
    assert settings.telegram.webhook_url is None
    assert settings.telegram.webhook_listen == "127.0.0.1:8443"
    assert settings.metrics.listen is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:9100", ("127.0.0.1", 9100)),
        ("localhost:0", ("localhost", 0)),
        ("[::1]:8443", ("::1", 8443)),
        ("metrics.internal:65535", ("metrics.internal", 65535)),
    ],
)
def test_listen_addresses_are_host_and_port(value, expected):
    assert parse_listen(value) == expected
    assert load_settings(environ={"WORDBOT_METRICS_LISTEN": value}).metrics.listen == value


@pytest.mark.parametrize("value", ["9100", "127.0.0.1", "127.0.0.1:99999", ":9100", "a b:1"])
def test_a_listen_address_without_host_and_port_names_its_key(value):
    with pytest.raises(ConfigError, match=r"^metrics\.listen: must be host:port"):
        load_settings(environ={"WORDBOT_METRICS_LISTEN": value})
    with pytest.raises(ConfigError, match=r"^telegram\.webhook_listen: must be host:port"):
        load_settings(environ={"WORDBOT_TELEGRAM_WEBHOOK_LISTEN": value})


def test_an_empty_optional_key_in_the_environment_leaves_it_unset():
    assert load_settings(environ={"WORDBOT_METRICS_LISTEN": ""}).metrics.listen is None


@pytest.mark.parametrize(
    "url",
    [
        "https://bot.example.org/telegram/hook",
        "https://bot.example.org:8443/x",
        "http://127.0.0.1:8081/hook",
        "http://localhost/hook",
    ],
)
def test_webhook_mode_accepts_https_urls_and_loopback_http(url):
    settings = load_settings(
        environ={"WORDBOT_TELEGRAM_MODE": "webhook", "WORDBOT_TELEGRAM_WEBHOOK_URL": url}
    )
    assert (settings.telegram.mode, settings.telegram.webhook_url) == ("webhook", url)


@pytest.mark.parametrize("url", ["http://bot.example.org/hook", "ftp://x/y", "bot.example.org"])
def test_a_webhook_url_that_telegram_would_refuse_names_its_key(url):
    with pytest.raises(ConfigError, match=r"^telegram\.webhook_url: must be an https:// URL"):
        load_settings(environ={"WORDBOT_TELEGRAM_WEBHOOK_URL": url})


def test_webhook_mode_without_a_webhook_url_names_the_key(tmp_path):
    path = tmp_path / "wordbot.toml"
    path.write_text('[telegram]\nmode = "webhook"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^telegram\.webhook_url: required when") as error:
        load_settings(path, environ={})
    assert "\n" not in str(error.value)
