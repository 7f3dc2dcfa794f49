"""SPEC §15 end to end (the real `wordbot run` against the emulator): a typed zone, reminder
times, a Russian learner from Telegram's language_code, switching languages, hostile input."""

from __future__ import annotations

import pytest

from tests.support.databases import BACKENDS

pytestmark = pytest.mark.e2e

USER = 1501


def send(bot, chat, text):
    chat.send_text(text)
    bot.wait_until_idle()


def press(bot, chat, message, label):
    chat.press(message, button=label)
    bot.wait_until_idle()


def menu(chat):
    """The settings menu as it is now: the newest bot message still showing buttons."""
    shown = [m for m in chat.bot_messages() if m.buttons]
    assert shown, chat.transcript()
    return chat.message(shown[-1].message_id)


def labels(message):
    return [button.text for row in message.buttons for button in row]


def open_settings(bot, chat, screen=None):
    send(bot, chat, "/settings")
    if screen is not None:
        press(bot, chat, menu(chat), screen)
    return menu(chat)


def home_text(bot, chat):
    return open_settings(bot, chat).text


@pytest.mark.parametrize("e2e_database", BACKENDS, indirect=True)
def test_typing_berlin_sets_europe_berlin(emulator, bot):
    chat = emulator.private_chat(user_id=USER, first_name="Ann")
    open_settings(bot, chat, "Timezone")
    send(bot, chat, "Berlin")
    assert "Timezone: Europe/Berlin" in menu(chat).text
    assert "Timezone: Europe/Berlin" in home_text(bot, chat)
    assert emulator.unknown_calls == []


def test_typed_local_time_offers_zones_and_a_button_sets_one(emulator, bot):
    chat = emulator.private_chat(user_id=USER)
    shown = open_settings(bot, chat, "Timezone")
    assert "Europe/Berlin" in labels(shown) and "« Back" in labels(shown)
    press(bot, chat, shown, "Asia/Tokyo")
    assert "Timezone: Asia/Tokyo" in menu(chat).text


def test_reminder_times_can_be_added_and_refused(emulator, bot):
    chat = emulator.private_chat(user_id=USER)
    open_settings(bot, chat, "Reminders")
    press(bot, chat, menu(chat), "＋ Add time")
    send(bot, chat, "25:99")
    assert "is not a time" in menu(chat).text
    send(bot, chat, "07:30")
    assert "✅ 07:30" in labels(menu(chat))
    press(bot, chat, menu(chat), "＋ Add time")
    send(bot, chat, "07:30")
    assert "already one of your reminder times" in menu(chat).text
    send(bot, chat, "21:00")  # still on "＋ Add time": try again
    assert "✅ 21:00" in labels(menu(chat))
    for typed in ("22:00", "23:00", "23:30", "23:55"):
        if "＋ Add time" not in labels(menu(chat)):
            break
        press(bot, chat, menu(chat), "＋ Add time")
        send(bot, chat, typed)
    times = [label for label in labels(menu(chat)) if label.startswith("✅")]
    assert len(times) == 5 and "＋ Add time" not in labels(menu(chat))
    assert ", ".join(label[2:] for label in times) in home_text(bot, chat)


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("Atlantis", "I don't know a time zone called “Atlantis”"),
        ("<b>Berlin</b>", "I don't know a time zone called “<b>Berlin</b>”"),
        ("25:99", "I don't know a time zone called “25:99”"),
    ],
)
def test_an_unknown_zone_gets_a_hint_and_nothing_changes(emulator, bot, typed, hint):
    chat = emulator.private_chat(user_id=USER)
    open_settings(bot, chat, "Timezone")
    send(bot, chat, typed)
    assert hint in menu(chat).text  # shown as text: the HTML was escaped
    assert "Timezone: UTC\n" in home_text(bot, chat)


def test_a_russian_user_is_answered_in_russian_and_can_switch_to_english(emulator, bot):
    chat = emulator.private_chat(user_id=USER, first_name="Аня", language_code="ru")
    send(bot, chat, "/start")
    assert "Привет" in chat.last_bot_message().text
    send(bot, chat, "/help")
    assert "/review" in chat.last_bot_message().text
    assert "карточ" in chat.last_bot_message().text.lower()
    send(bot, chat, "/add дом, house\nкот, cat")
    assert "Импорт готов" in chat.last_bot_message().text
    send(bot, chat, '/add "лес, forest')
    assert chat.last_bot_message().text == (
        "Не удалось прочитать: Строка 1: кавычка открыта, но не закрыта.\nНичего не сохранено."
    )
    send(bot, chat, "/review")
    assert any("Снова" in label for label in labels(menu(chat)))

    send(bot, chat, "/words")
    listed = menu(chat)
    assert listed.text.startswith("📚 Ваши слова: 2")
    assert "Нажмите на пару" in listed.text
    press(bot, chat, listed, "дом — house")
    card = chat.message(listed.message_id)
    assert card.text.splitlines()[0] == "дом — house"
    assert "Состояние: новая" in card.text and "Повторить: ещё не запланировано" in card.text
    assert labels(card) == ["✏️ Изменить", "🗑 Удалить", "↺ Сбросить", "⏸ Отложить", "« Назад"]
    press(bot, chat, card, "🗑 Удалить")
    assert chat.message(listed.message_id).text.startswith("Удалить дом — house?")
    press(bot, chat, chat.message(listed.message_id), "Отмена")
    assert "Состояние: новая" in chat.message(listed.message_id).text

    send(bot, chat, "/export")
    exported = chat.last_bot_message()
    assert exported.document["file_name"].startswith("vocabulary-")
    assert exported.text == "Ваш словарь: 2 пары."

    shown = open_settings(bot, chat)
    assert "Настройки" in shown.text
    assert labels(shown) == [
        "Карточки",
        "Напоминания",
        "Часовой пояс",
        "Язык",
        "Обучение",
        "Закрыть",
    ]
    press(bot, chat, shown, "Язык")
    press(bot, chat, menu(chat), "English")
    assert "Language: English" in menu(chat).text
    send(bot, chat, "/help")
    assert "/review" in chat.last_bot_message().text
    assert not any("а" <= ch <= "я" for ch in chat.last_bot_message().text.lower())
    send(bot, chat, "/export")
    assert chat.last_bot_message().text == "Your vocabulary: 2 pairs."

    ru_menu = emulator.bot_commands(language_code="ru")
    assert [c["command"] for c in ru_menu] == [c["command"] for c in emulator.bot_commands()]
    assert ru_menu != emulator.bot_commands()


def test_an_unsupported_language_code_falls_back_to_english(emulator, bot):
    chat = emulator.private_chat(user_id=USER, language_code="de")
    send(bot, chat, "/start")
    text = chat.last_bot_message().text
    assert "WordBot" in text and not any("а" <= ch <= "я" for ch in text.lower())
