"""sendPhoto in the emulator: uploads as telebot sends them, kept per chat, Telegram's limits."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from telebot import TeleBot
from telebot.apihelper import ApiTelegramException
from telebot.types import InputFile

from tests.support.emulator_fixtures import TEST_TOKEN, telebot_pointed_at
from wordbot.emulator import BotApiEmulator
from wordbot.emulator.images import image_size


def picture(width, height, kind="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(buffer, kind)
    return buffer.getvalue()


def png_header(width, height):
    """Only what precedes the pixels: enough for Telegram's dimension check."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )


def upload(content, name="stats.png"):
    return InputFile(io.BytesIO(content), file_name=name)


def _refusal(call):
    with pytest.raises(ApiTelegramException) as error:
        call()
    return error.value.error_code, error.value.description


def test_a_photo_round_trip_keeps_the_bytes_size_and_caption(emulator, telebot_bot):
    chat = emulator.private_chat(1001)
    content = picture(90, 60)

    sent = telebot_bot.send_photo(
        1001, upload(content), caption="📊 <b>Your progress</b>", parse_mode="HTML"
    )

    (size,) = sent.photo
    assert (size.width, size.height, size.file_size) == (90, 60, len(content))
    assert sent.caption == "📊 Your progress"
    assert telebot_bot.download_file(telebot_bot.get_file(size.file_id).file_path) == content
    kept = chat.last_bot_message()
    assert kept.message_id == sent.message_id
    assert kept.text == "📊 Your progress" and kept.html == "📊 <b>Your progress</b>"
    assert kept.largest_photo["file_id"] == size.file_id
    assert emulator.document_bytes(size.file_id) == content
    (call,) = [call for call in emulator.calls if call.method == "sendPhoto"]
    assert call.files == {"photo": ("stats.png", len(content))}


def test_a_photo_is_sent_again_by_its_file_id(emulator, telebot_bot):
    emulator.private_chat(1001)
    first = telebot_bot.send_photo(1001, upload(picture(20, 20)))
    again = telebot_bot.send_photo(1001, first.photo[-1].file_id)
    assert again.photo[-1].file_id == first.photo[-1].file_id
    assert again.caption is None


def test_a_jpeg_is_a_photo_too(emulator, telebot_bot):
    emulator.private_chat(1001)
    sent = telebot_bot.send_photo(1001, upload(picture(33, 44, "JPEG"), "p.jpg"))
    assert (sent.photo[-1].width, sent.photo[-1].height) == (33, 44)


def test_the_caption_limit_counts_text_after_parsing(emulator, telebot_bot):
    emulator.private_chat(1001)
    exactly = "<b>" + "c" * 1024 + "</b>"
    assert telebot_bot.send_photo(1001, upload(picture(5, 5)), exactly, parse_mode="HTML")
    assert _refusal(lambda: telebot_bot.send_photo(1001, upload(picture(5, 5)), "c" * 1025)) == (
        400,
        "Bad Request: message caption is too long",
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not a picture at all", "IMAGE_PROCESS_FAILED"),
        (b"\x89PNG\r\n\x1a\n", "IMAGE_PROCESS_FAILED"),  # cut short
        (png_header(9001, 1000), "PHOTO_INVALID_DIMENSIONS"),  # width + height over 10000
        (png_header(2100, 100), "PHOTO_INVALID_DIMENSIONS"),  # sides over 20:1
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024), "PHOTO_SAVE_FILE_INVALID"),
    ],
)
def test_photos_telegram_refuses(emulator, telebot_bot, content, reason):
    chat = emulator.private_chat(1001)
    assert _refusal(lambda: telebot_bot.send_photo(1001, upload(content))) == (
        400,
        f"Bad Request: {reason}",
    )
    assert chat.bot_messages() == []


def test_the_limits_themselves_are_allowed(emulator, telebot_bot):
    emulator.private_chat(1001)
    assert telebot_bot.send_photo(1001, upload(png_header(5000, 5000)))
    assert telebot_bot.send_photo(1001, upload(png_header(2000, 100)))


def test_a_photo_without_any_upload_is_refused(emulator, telebot_bot):
    emulator.private_chat(1001)
    assert _refusal(lambda: telebot_bot.send_photo(1001, "")) == (
        400,
        "Bad Request: there is no photo in the request",
    )


def test_photo_messages_survive_a_sandbox_restart(tmp_path):
    path = tmp_path / "chats.json"
    with BotApiEmulator(token=TEST_TOKEN, chats_file=path) as first:
        first.private_chat(user_id=42)
        with telebot_pointed_at(first):
            bot = TeleBot(TEST_TOKEN, threaded=False)
            sent = bot.send_photo(42, upload(picture(8, 8)), caption="kept")
    with BotApiEmulator(token=TEST_TOKEN, chats_file=path) as second:
        restored = second.chat(42).message(sent.message_id)
        assert restored.text == "kept" and restored.largest_photo["width"] == 8


@pytest.mark.parametrize(
    ("content", "size"),
    [
        (picture(3, 7), (3, 7)),
        (picture(640, 480, "JPEG"), (640, 480)),
        (png_header(10, 20), (10, 20)),
        (png_header(0, 20), None),
        (b"\xff\xd8\xff", None),
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_image_size_reads_png_and_jpeg_headers(content, size):
    assert image_size(content) == size
