"""The intake (SPEC §7.1, §7.6): batches into the inbox, entries to actors in order, notices
for groups and floods that never make the caller wait."""

from __future__ import annotations

from datetime import timedelta

from actors.intake import Intake
from actors.messages import HandleUpdate
from storage import inbox
from wordbot.effects import AnswerCallback, SendText
from wordbot.rendering.vocabulary import private_only, slow_down, stale_button


class Supervisor:
    def __init__(self) -> None:
        self.messages: list = []

    def tell(self, message) -> None:
        self.messages.append(message)


def message(update_id: int, chat_id: int, text: str, chat_type: str = "private", user_id=None):
    user_id = chat_id if user_id is None else user_id
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": {"id": user_id, "is_bot": False, "first_name": "A"},
            "chat": {"id": chat_id, "type": chat_type},
            "date": 0,
            "text": text,
        },
    }


def intake(clock):
    supervisor, offered = Supervisor(), []
    return Intake(supervisor, lambda e: offered.append(e) or True, clock, "WordBot_Bot"), offered


def test_entries_reach_actors_in_order_and_only_once(db, clock):
    take, _ = intake(clock)
    take([message(1, 5, "/help"), message(2, 6, "/help"), message(3, 5, "/review")])
    take([message(3, 5, "/review"), message(4, 5, "hi")])  # 3 again: a redelivery
    handed = [(m.key.user_id, m.incoming.update_id) for m in take._supervisor.messages]
    assert handed == [(5, 1), (6, 2), (5, 3), (5, 4)]
    assert all(isinstance(m, HandleUpdate) and m.entry_id for m in take._supervisor.messages)


def test_commands_for_another_bot_are_not_stored(db, clock):
    take, _ = intake(clock)
    take([message(1, 5, "/add@OtherBot x, y"), message(2, 5, "/add@wordbot_bot x, y")])
    assert [m.incoming.update_id for m in take._supervisor.messages] == [2]


def test_a_group_hears_private_only_at_most_once_an_hour(db, clock):
    take, offered = intake(clock)
    take([message(n, -100, "/start", "group", user_id=5) for n in range(1, 41)])
    clock.advance(timedelta(minutes=59))
    take([message(41, -100, "/start", "group", user_id=5)])
    assert offered == [SendText(-100, private_only())]
    clock.advance(timedelta(minutes=2))
    take([message(42, -100, "/start", "group", user_id=5)])
    assert len(offered) == 2 and take._supervisor.messages == []


def test_a_flood_beyond_the_bound_gets_one_slow_down_a_minute(db, clock):
    take, offered = intake(clock)
    take([message(n, 5, "/help") for n in range(1, inbox.MAX_PENDING_PER_USER + 20)])
    assert len(take._supervisor.messages) == inbox.MAX_PENDING_PER_USER
    assert offered == [SendText(5, slow_down())]


def test_the_notices_of_intake_are_in_the_language_of_the_update(db, clock):
    take, offered = intake(clock)
    flood = [message(n, 5, "/help") for n in range(1, inbox.MAX_PENDING_PER_USER + 5)]
    for update in flood:
        update["message"]["from"]["language_code"] = "ru-RU"
    group = message(900, -100, "/start", "group", user_id=6)
    group["message"]["from"]["language_code"] = "ru"
    take([*flood, group])
    # the group is answered while the batch is read, the flood once it is written
    assert offered == [SendText(-100, private_only(lang="ru")), SendText(5, slow_down(lang="ru"))]
    assert slow_down(lang="ru").startswith("Не так быстро")


def test_resume_hands_pending_entries_over_in_inbox_order(db, clock):
    take, _ = intake(clock)
    take([message(1, 5, "/help"), message(2, 6, "/help")])
    again, _ = intake(clock)
    assert again.resume() == 2
    assert [m.incoming.update_id for m in again._supervisor.messages] == [1, 2]


def test_a_private_update_from_another_chat_is_not_stored_and_gets_no_reply(db, clock):
    take, offered = intake(clock)
    take([message(1, 5, "/help", user_id=6), message(2, 6, "/help")])
    assert [m.key.user_id for m in take._supervisor.messages] == [6]
    assert offered == []
    assert [entry.update_id for entry in inbox.pending_entries()] == [2]


def test_a_press_on_a_message_in_another_private_chat_is_only_answered_stale(db, clock):
    take, offered = intake(clock)
    press = {
        "update_id": 3,
        "callback_query": {
            "id": "q1",
            "from": {"id": 6, "is_bot": False, "first_name": "A"},
            "message": {"message_id": 9, "chat": {"id": 5, "type": "private"}, "date": 1},
            "data": "t:good:abc",
        },
    }
    take([press])
    assert take._supervisor.messages == []
    assert offered == [AnswerCallback("q1", stale_button())]
    press = {**press, "update_id": 4}
    press["callback_query"] = {**press["callback_query"], "id": "q2"}
    press["callback_query"]["from"] = {**press["callback_query"]["from"], "language_code": "ru"}
    take([press])
    assert offered[-1] == AnswerCallback("q2", stale_button(lang="ru"))
    assert offered[-1].text == "Эта кнопка больше не действует."


def test_lone_surrogates_become_replacement_characters_before_storing(db, clock):
    take, _ = intake(clock)
    update = message(1, 5, "house\ud800, casa\udfff")
    update["message"]["from"]["first_name"] = "\udc00"
    take([update])
    (handed,) = take._supervisor.messages
    assert handed.incoming.text == "house\ufffd, casa\ufffd"
    (entry,) = inbox.pending_entries()
    assert entry.payload["message"]["text"] == "house\ufffd, casa\ufffd"
    assert entry.payload["message"]["from"]["first_name"] == "\ufffd"


def test_a_received_update_moves_the_counter(db, clock):
    from wordbot.metrics import Metrics

    metrics = Metrics()
    supervisor = Supervisor()
    take = Intake(supervisor, lambda e: True, clock, "WordBot_Bot", metrics=metrics)
    take([message(1, 5, "/help"), message(2, 5, "/help"), message(3, 7, "/x", "group")])
    assert metrics.registry.get_sample_value("wordbot_updates_received_total") == 2
