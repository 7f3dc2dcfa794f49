"""The bot token never reaches a log line (SPEC §1.3), whatever carries it."""

from __future__ import annotations

import io
import logging
import socket

import pytest
import requests

from wordbot.logs import RedactingFilter, configure_logging

TOKEN = "123456789:AAE-secret_TokenValue"
MASK = "********"
LIBRARY_LOGGERS = ("TeleBot", "urllib3", "peewee", "pykka", "schedule")


@pytest.fixture
def restore_logging():
    """Put the root and library loggers back as they were after the test."""
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in LIBRARY_LOGGERS)]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    yield
    for lg, handlers, level, propagate in saved:
        for handler in lg.handlers[:]:
            lg.removeHandler(handler)
        for handler in handlers:
            lg.addHandler(handler)
        lg.setLevel(level)
        lg.propagate = propagate


@pytest.fixture
def logger_and_output():
    """A real logger whose one handler redacts TOKEN and writes to a StringIO."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter([TOKEN]))
    logger = logging.getLogger("tests.unit.test_logs.redacting")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, output
    logger.removeHandler(handler)


def _connection_error_with_token_in_url() -> requests.ConnectionError:
    """A real ConnectionError for a refused getUpdates call, as the poller would see it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    try:
        requests.get(f"http://127.0.0.1:{port}/bot{TOKEN}/getUpdates", timeout=2)
    except requests.ConnectionError as error:
        assert TOKEN in str(error)  # the leak this filter exists for
        return error
    raise AssertionError("expected the closed port to refuse the connection")


@pytest.mark.parametrize(
    ("message", "args"),
    [
        pytest.param(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed", (), id="in_msg"),
        pytest.param("POST %s failed", (f"https://api.telegram.org/bot{TOKEN}/getMe",), id="args"),
        pytest.param("%s and %s", (TOKEN, TOKEN), id="twice"),
        pytest.param("settings: %r", ({"token": TOKEN},), id="in_repr_of_an_arg"),
    ],
)
def test_token_is_masked_in_message_and_args(logger_and_output, message, args):
    logger, output = logger_and_output
    logger.warning(message, *args)
    line = output.getvalue()
    assert TOKEN not in line
    assert MASK in line


def test_token_is_masked_in_exception_traceback(logger_and_output):
    logger, output = logger_and_output
    try:
        raise _connection_error_with_token_in_url()
    except requests.ConnectionError:
        logger.exception("getUpdates failed")
    text = output.getvalue()
    assert "Traceback" in text and "ConnectionError" in text
    assert f"/bot{MASK}/getUpdates" in text
    assert TOKEN not in text


def test_token_is_masked_in_chained_exception(logger_and_output):
    logger, output = logger_and_output
    try:
        try:
            raise ValueError(f"bad url /bot{TOKEN}/sendMessage")
        except ValueError as inner:
            raise RuntimeError("send failed") from inner
    except RuntimeError:
        logger.error("giving up", exc_info=True)
    text = output.getvalue()
    assert "send failed" in text and "sendMessage" in text
    assert TOKEN not in text


def test_message_without_token_is_unchanged(logger_and_output):
    logger, output = logger_and_output
    logger.info("update %d handled for %s", 17, "<ana>")
    assert output.getvalue() == "INFO update 17 handled for <ana>\n"


@pytest.mark.parametrize("secrets", [[], [""]], ids=["none", "empty_token"])
def test_filter_without_secrets_lets_records_through_untouched(secrets):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "value %s", ("a",), None)
    assert RedactingFilter(secrets).filter(record)
    assert (record.msg, record.args) == ("value %s", ("a",))


def test_badly_formatted_log_call_is_logged_as_is_and_still_masked(logger_and_output):
    logger, output = logger_and_output
    logger.error("%d pairs", "many")
    logger.error("%d pairs for /bot" + TOKEN, "many")
    assert output.getvalue().splitlines() == [
        "ERROR %d pairs (bad log arguments: ('many',))",
        f"ERROR %d pairs for /bot{MASK} (bad log arguments: ('many',))",
    ]


def test_configure_logging_masks_token_for_every_logger(restore_logging):
    output = io.StringIO()
    configure_logging("info", [TOKEN], stream=output)
    logging.getLogger("wordbot.transport.poller").warning("retrying /bot%s/getUpdates", TOKEN)
    logging.getLogger("urllib3.connectionpool").warning("Retrying /bot%s/getUpdates", TOKEN)
    text = output.getvalue()
    assert text.count(f"/bot{MASK}/getUpdates") == 2
    assert TOKEN not in text


def test_configure_logging_removes_telebots_own_unfiltered_handler(restore_logging):
    import telebot

    telebot_logger = logging.getLogger("TeleBot")
    leaked = io.StringIO()
    own_handler = logging.StreamHandler(leaked)  # stands in for telebot's stderr handler
    if telebot.console_output_handler not in telebot_logger.handlers:
        telebot_logger.addHandler(telebot.console_output_handler)
    telebot_logger.addHandler(own_handler)
    output = io.StringIO()

    configure_logging("INFO", [TOKEN], stream=output)
    telebot.logger.error("Threaded polling exception: /bot%s/getUpdates", TOKEN)

    assert telebot_logger.handlers == []
    assert telebot_logger.propagate
    assert leaked.getvalue() == ""
    assert f"/bot{MASK}/getUpdates" in output.getvalue()
    assert TOKEN not in output.getvalue()


def test_configure_logging_replaces_earlier_root_handlers(restore_logging):
    earlier, output = io.StringIO(), io.StringIO()
    logging.getLogger().addHandler(logging.StreamHandler(earlier))
    configure_logging("WARNING", [TOKEN], stream=output)
    logging.getLogger("wordbot").warning("token %s", TOKEN)
    assert earlier.getvalue() == ""
    assert output.getvalue().endswith(f" WARNING wordbot: token {MASK}\n")
    assert logging.getLogger().level == logging.WARNING


# --- every form of the token (SPEC §7.6) ----------------------------------------------------

SECRET_PART = TOKEN.split(":", 1)[1]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param(
            "GET /bot123456789%3AAAE-secret_TokenValue/getMe",
            f"GET /bot{MASK}/getMe",
            id="url_encoded",
        ),
        pytest.param(
            "GET /bot123456789%3aAAE-secret_TokenValue/getMe",
            f"GET /bot{MASK}/getMe",
            id="url_encoded_lower_case",
        ),
        pytest.param(
            "bot id 123456789, key AAE-secret_TokenValue",
            f"bot id 123456789, key {MASK}",
            id="split_at_the_colon",
        ),
        pytest.param(
            "token=123456789&colon&AAE-secret_TokenValue",
            f"token=123456789&colon&{MASK}",
            id="colon_written_otherwise",
        ),
        pytest.param(
            f"{{'token': '{TOKEN}'}}",
            f"{{'token': '{MASK}'}}",
            id="exact",
        ),
    ],
)
def test_every_form_of_the_token_is_masked(logger_and_output, message, expected):
    logger, output = logger_and_output
    logger.warning("%s", message)
    line = output.getvalue()
    assert line == f"WARNING {expected}\n"
    assert SECRET_PART not in line


def test_a_token_url_encoded_inside_an_error_is_masked_in_the_traceback(logger_and_output):
    logger, output = logger_and_output
    encoded = TOKEN.replace(":", "%3A")
    try:
        raise requests.HTTPError(f"404 Client Error for url: https://example/bot{encoded}/getMe")
    except requests.HTTPError as error:
        logger.exception("getMe failed: %s", error)
    text = output.getvalue()
    assert "Traceback" in text and "HTTPError" in text
    assert text.count(f"/bot{MASK}/getMe") == 2  # the message and the exception text
    assert SECRET_PART not in text


def test_the_stack_of_a_record_is_masked():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "here", None, None)
    record.stack_info = f'Stack:\n  File "x.py", line 1\n    fetch("/bot{TOKEN}/getMe")'
    RedactingFilter([TOKEN]).filter(record)
    assert record.stack_info.endswith(f'fetch("/bot{MASK}/getMe")')


def test_a_password_is_masked_url_encoded_too():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "connect postgresql://bot:p%40ss%2Fw0rd@db/x", None, None
    )
    RedactingFilter(["p@ss/w0rd"]).filter(record)
    assert record.getMessage() == f"connect postgresql://bot:{MASK}@db/x"


def test_a_short_secret_part_does_not_mask_ordinary_words():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "a b 1:a", None, None)
    RedactingFilter(["1:a"]).filter(record)
    assert record.getMessage() == f"a b {MASK}"
