"""The callback-data protocol `<scope>:<action>:<token>` (SPEC §2)."""

from __future__ import annotations

import re

import pytest

from wordbot.callback_data import (
    MAX_CALLBACK_BYTES,
    CallbackData,
    decode_callback,
    encode_callback,
    new_token,
)


@pytest.mark.parametrize(
    ("scope", "action", "token"),
    [
        ("clr", "yes", "AbC-d_9z"),
        ("trn", "again", "00000000"),
        ("g", "0", "-_-_-_-_"),
        ("s" * 16, "a" * 16, "t" * 16),
    ],
)
def test_encoded_callback_decodes_to_its_parts(scope, action, token):
    data = encode_callback(scope, action, token)
    assert decode_callback(data) == CallbackData(scope, action, token)


def test_new_token_is_eight_url_safe_characters():
    for _ in range(50):
        assert re.fullmatch(r"[A-Za-z0-9_-]{8}", new_token())


def test_new_tokens_differ():
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200


def test_new_token_is_accepted_by_the_protocol():
    token = new_token()
    assert decode_callback(encode_callback("trn", "show", token)).token == token


def test_longest_encoded_callback_fits_telegram_limit():
    data = encode_callback("s" * 16, "a" * 16, "t" * 16)
    assert len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES == 64


@pytest.mark.parametrize(
    ("scope", "action", "token"),
    [
        pytest.param("", "yes", "tok", id="empty_part"),
        pytest.param("a:b", "yes", "tok", id="colon_in_part"),
        pytest.param("clr", "yes", "t" * 17, id="part_too_long"),
        pytest.param("clr", "sí", "tok", id="non_ascii"),
        pytest.param("clr", "y s", "tok", id="space"),
    ],
)
def test_encode_rejects_a_part_the_protocol_cannot_carry(scope, action, token):
    with pytest.raises(ValueError):
        encode_callback(scope, action, token)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("", id="empty"),
        pytest.param("garbage", id="no_separators"),
        pytest.param("clr:yes", id="two_parts"),
        pytest.param("clr:yes:tok:extra", id="four_parts"),
        pytest.param("clr:yes:", id="empty_token"),
        pytest.param("clr::tok", id="empty_action"),
        pytest.param(":yes:tok", id="empty_scope"),
        pytest.param("clr:yes:tok en", id="space"),
        pytest.param("clr:yes:tok\n", id="trailing_newline"),
        pytest.param("clr:yes:tok;drop", id="semicolon"),
        pytest.param("clr:yes:tök", id="non_ascii_latin"),
        pytest.param("clr:yes:١٢٣", id="non_ascii_digits"),
        pytest.param("clr:yes:😀", id="emoji"),
        pytest.param("clr:yes:\ud800", id="lone_surrogate"),
        pytest.param("clr:yes:" + "t" * 17, id="part_too_long"),
        pytest.param("x" * 65, id="over_64_bytes"),
        pytest.param("clr:yes:" + "é" * 40, id="over_64_bytes_in_utf8"),
        pytest.param("a" * 10_000, id="huge"),
    ],
)
def test_decode_gives_none_for_malformed_data(data):
    assert decode_callback(data) is None
