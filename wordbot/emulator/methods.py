"""The Bot API methods over the emulator's state, with Telegram's validation and error wording."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from wordbot.emulator.errors import ApiError, ConnectionDropped, bad_request
from wordbot.emulator.faults import FaultPlan
from wordbot.emulator.html_text import HtmlParseError, parse_html, utf16_length
from wordbot.emulator.images import image_size
from wordbot.emulator.limits import RateLimiter
from wordbot.emulator.params import (
    UploadedFile,
    bool_param,
    int_param,
    json_param,
    str_param,
)
from wordbot.emulator.records import BotMessage, CallbackAnswer
from wordbot.emulator.state import ChatRecord, EmulatorState, MessageRecord, Webhook

__all__ = [
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_CHARACTERS",
    "MAX_DOWNLOAD_BYTES",
    "MAX_PHOTO_BYTES",
    "MAX_TEXT_CHARACTERS",
    "BotApi",
]

MAX_TEXT_CHARACTERS = 4096
MAX_CAPTION_CHARACTERS = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_WIDTH_PLUS_HEIGHT = 10_000
MAX_PHOTO_ASPECT_RATIO = 20
MAX_CALLBACK_ANSWER_CHARACTERS = 200
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
_NON_CALLBACK_BUTTON_KEYS = (
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)
_TRIMMED = " \t\r\n"

Result = tuple[Any, list[BotMessage]]
Handler = Callable[[dict[str, Any], dict[str, UploadedFile]], Result]


@dataclass(frozen=True, slots=True)
class _Formatted:
    text: str
    html: str
    entities: tuple[dict[str, Any], ...]


class BotApi:
    """Answers Bot API calls: `handle(method, params, files) -> (HTTP status, JSON payload)`."""

    def __init__(
        self,
        state: EmulatorState,
        bot_user: dict[str, Any],
        faults: FaultPlan,
        limiter: Callable[[], RateLimiter | None],
        strict_html: bool = True,
    ) -> None:
        self.state = state
        self.bot_user = bot_user
        self.faults = faults
        self._limiter = limiter
        self.strict_html = strict_html
        self._handlers: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self.get_me,
                "getUpdates": self.get_updates,
                "sendMessage": self.send_message,
                "editMessageText": self.edit_message_text,
                "editMessageReplyMarkup": self.edit_message_reply_markup,
                "deleteMessage": self.delete_message,
                "answerCallbackQuery": self.answer_callback_query,
                "sendDocument": self.send_document,
                "sendPhoto": self.send_photo,
                "getFile": self.get_file,
                "sendChatAction": self.send_chat_action,
                "setMyCommands": self.set_my_commands,
                "getMyCommands": self.get_my_commands,
                "deleteMyCommands": self.delete_my_commands,
                "setWebhook": self.set_webhook,
                "deleteWebhook": self.delete_webhook,
                "getWebhookInfo": self.get_webhook_info,
                "close": self.close,
                "logOut": self.close,
            }.items()
        }

    @property
    def method_names(self) -> list[str]:
        return sorted(name for name, _ in self._handlers.values())

    # -- dispatch -----------------------------------------------------------------------

    def handle(
        self, method: str, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> tuple[int, dict[str, Any]]:
        """Run one call; raises ConnectionDropped when it must end without an answer."""
        known = self._handlers.get(method.lower())
        name = known[0] if known else method
        file_summary = {
            key: (upload.file_name or "", len(upload.data)) for key, upload in files.items()
        }
        events: list[BotMessage] = []
        try:
            delay = self.faults.take_delay(name)
            if delay:
                self._hold(delay)
            fault = self.faults.take_fault(name, params.get("chat_id"))
            if fault is not None:
                raise fault
            if known is None:
                raise ApiError(404, "Not Found")
            result, events = known[1](params, files)
            status, payload = 200, {"ok": True, "result": result}
        except ApiError as error:
            status, payload = error.status, error.payload()
        except ConnectionDropped:
            self.state.record_call(name, params, file_summary, 0, "connection dropped", True)
            raise
        self.state.record_call(
            name, params, file_summary, status, payload.get("description"), known is not None
        )
        self.state.publish(events)
        return status, payload

    def _hold(self, seconds: float) -> None:
        state = self.state
        if state.wait_until(lambda: state.closed or state.outage, seconds):
            raise ConnectionDropped()

    def _admit(self, chat_id: int, paid: bool = False) -> None:
        limiter = self._limiter()
        if limiter is None:
            return
        retry_after = limiter.admit(chat_id, self.state.clock(), paid=paid)
        if retry_after is not None:
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )

    # -- shared checks ------------------------------------------------------------------

    def _target_chat(self, params: dict[str, Any]) -> ChatRecord:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        chat = self.state.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _check_not_blocked(self, chat: ChatRecord) -> None:
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    def _formatted(
        self,
        params: dict[str, Any],
        field: str,
        entities_field: str,
        limit: int,
        too_long: str,
    ) -> _Formatted:
        raw = str_param(params, field) or ""
        parse_mode = (str_param(params, "parse_mode") or "").strip()
        if parse_mode.lower() == "html":
            try:
                parsed = parse_html(raw, strict=self.strict_html)
            except HtmlParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
            text, entities = parsed.text, parsed.entities
        elif parse_mode.lower() in ("markdown", "markdownv2"):
            text, entities = raw, ()  # not parsed by the emulator: stored as sent
        elif parse_mode:
            raise bad_request("unsupported parse_mode")
        else:
            given = json_param(params, entities_field, "can't parse entities JSON object")
            text, entities = raw, tuple(given or ())
        text, entities = _trim(text, entities)
        if len(text) > limit:
            raise bad_request(too_long)
        return _Formatted(text, raw, entities)

    def _inline_markup(self, params: dict[str, Any], edit: bool = False) -> dict[str, Any] | None:
        markup = json_param(params, "reply_markup", "can't parse reply keyboard markup JSON object")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            if edit:
                raise bad_request("inline keyboard expected")
            return None  # reply keyboards are not part of the returned Message
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'can\'t parse inline keyboard: field "inline_keyboard" must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                _check_button(button)
        if not any(rows):
            return None
        return {"inline_keyboard": rows}

    def _reply_extra(self, chat: ChatRecord, params: dict[str, Any]) -> dict[str, Any]:
        reply = json_param(params, "reply_parameters", "can't parse reply parameters JSON object")
        message_id = int_param(params, "reply_to_message_id")
        allow = bool_param(params, "allow_sending_without_reply")
        if isinstance(reply, dict):
            message_id = reply.get("message_id", message_id)
            allow = bool(reply.get("allow_sending_without_reply", allow))
        if message_id is None:
            return {}
        target = chat.messages.get(int(message_id))
        if target is None:
            if allow:
                return {}
            raise bad_request("message to be replied not found")
        return {"reply_to_message": target.to_api(chat.chat)}

    def _new_bot_message(self, chat: ChatRecord, **content: Any) -> MessageRecord:
        if content.get("paid_broadcast"):
            self.state.count_paid_broadcasts += 1
        record = MessageRecord(
            chat_id=chat.chat_id,
            message_id=chat.new_message_id(),
            date=self.state.now(),
            sender=self.bot_user,
            from_bot=True,
            **content,
        )
        chat.messages[record.message_id] = record
        return record

    def _editable(self, params: dict[str, Any]) -> tuple[ChatRecord, MessageRecord]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # the emulator has no inline messages
        chat = self._target_chat(params)
        message_id = int_param(params, "message_id", missing="message identifier is not specified")
        record = chat.messages.get(message_id)  # type: ignore[arg-type]
        if record is None:
            raise bad_request("message to edit not found")
        if not record.from_bot:
            raise bad_request("message can't be edited")
        return chat, record

    # -- methods ------------------------------------------------------------------------

    def get_me(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        me = dict(self.bot_user)
        me.update(
            can_join_groups=True,
            can_read_all_group_messages=False,
            supports_inline_queries=False,
            can_connect_to_business=False,
            has_main_web_app=False,
        )
        return me, []

    def get_updates(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        if self.state.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int_param(params, "offset", 0)
        limit = min(100, max(1, int_param(params, "limit", 100) or 100))
        timeout = max(0, int_param(params, "timeout", 0) or 0)
        allowed = json_param(params, "allowed_updates", "can't parse allowed_updates")
        updates = self.state.take_updates(offset, limit, float(timeout), allowed)
        return [dict(update) for update in updates], []

    def send_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        state = self.state
        with state.lock:
            chat = self._target_chat(params)
            formatted = self._formatted(
                params, "text", "entities", MAX_TEXT_CHARACTERS, "message is too long"
            )
            if not formatted.text:
                raise bad_request("message text is empty")
            markup = self._inline_markup(params)
            extra = self._reply_extra(chat, params)
            self._check_not_blocked(chat)
            paid = bool_param(params, "allow_paid_broadcast")
            self._admit(chat.chat_id, paid)
            record = self._new_bot_message(
                chat,
                text=formatted.text,
                html=formatted.html,
                entities=formatted.entities,
                reply_markup=markup,
                extra=extra,
                paid_broadcast=paid,
            )
            event = state.record_bot_event(record, "sent")
            return record.to_api(chat.chat), [event]

    def edit_message_text(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        state = self.state
        with state.lock:
            chat, record = self._editable(params)
            formatted = self._formatted(
                params, "text", "entities", MAX_TEXT_CHARACTERS, "message is too long"
            )
            if not formatted.text:
                raise bad_request("message text is empty")
            markup = self._inline_markup(params, edit=True)
            if record.text is None:
                raise bad_request("there is no text in the message to edit")
            current = (record.text, record.entities, record.reply_markup)
            if (formatted.text, formatted.entities, markup) == current:
                raise bad_request(NOT_MODIFIED)
            self._check_not_blocked(chat)
            self._admit(chat.chat_id)
            record.text, record.html, record.entities = (
                formatted.text,
                formatted.html,
                formatted.entities,
            )
            record.reply_markup = markup
            record.edit_count += 1
            record.edit_date = state.now()
            event = state.record_bot_event(record, "edited")
            return record.to_api(chat.chat), [event]

    def edit_message_reply_markup(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Result:
        state = self.state
        with state.lock:
            chat, record = self._editable(params)
            markup = self._inline_markup(params, edit=True)
            if markup == record.reply_markup:
                raise bad_request(NOT_MODIFIED)
            self._check_not_blocked(chat)
            self._admit(chat.chat_id)
            record.reply_markup = markup
            record.edit_count += 1
            record.edit_date = state.now()
            event = state.record_bot_event(record, "edited")
            return record.to_api(chat.chat), [event]

    def delete_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        state = self.state
        with state.lock:
            chat = self._target_chat(params)
            message_id = int_param(
                params, "message_id", missing="message identifier is not specified"
            )
            record = chat.messages.pop(message_id, None)  # type: ignore[arg-type]
            if record is None:
                raise bad_request("message to delete not found")
            events = [state.record_bot_event(record, "deleted")] if record.from_bot else []
            return True, events

    def answer_callback_query(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Result:
        state = self.state
        with state.lock:
            query_id = str_param(params, "callback_query_id")
            if not query_id:
                raise bad_request('parameter "callback_query_id" is required')
            query = state.callbacks.get(query_id)
            if query is None or query.answered:
                raise bad_request(QUERY_INVALID)
            text = str_param(params, "text")
            if text is not None and len(text) > MAX_CALLBACK_ANSWER_CHARACTERS:
                raise bad_request("MESSAGE_TOO_LONG")
            query.answered = True
            state.answers.append(
                CallbackAnswer(
                    query_id=query_id,
                    chat_id=query.chat_id,
                    message_id=query.message_id,
                    user_id=query.user_id,
                    data=query.data,
                    text=text,
                    show_alert=bool_param(params, "show_alert"),
                    url=str_param(params, "url"),
                    cache_time=int_param(params, "cache_time", 0) or 0,
                )
            )
            state.changed.notify_all()
            return True, []

    def _caption(self, params: dict[str, Any]):
        return self._formatted(
            params,
            "caption",
            "caption_entities",
            MAX_CAPTION_CHARACTERS,
            "message caption is too long",
        )

    def _upload_or_stored(self, params: dict[str, Any], files: dict[str, UploadedFile], field: str):
        """A media method's file: (the upload, None) for a new one, (None, the stored file) for
        one sent again by file_id. Caller holds the lock."""
        upload = files.get(field)
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            return upload, None
        reference = str_param(params, field)
        if not reference:
            raise bad_request(f"there is no {field} in the request")
        stored = self.state.files.get(reference)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return None, stored

    def send_document(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        state = self.state
        with state.lock:
            chat = self._target_chat(params)
            caption = self._caption(params)
            markup = self._inline_markup(params)
            extra = self._reply_extra(chat, params)
            upload, stored = self._upload_or_stored(params, files, "document")
            self._check_not_blocked(chat)
            paid = bool_param(params, "allow_paid_broadcast")
            self._admit(chat.chat_id, paid)
            if upload is not None:
                stored = state.store_file(upload.data, upload.file_name, _mime_type(upload))
            assert stored is not None
            record = self._new_bot_message(
                chat,
                document=stored.document(),
                caption=caption.text or None,
                caption_html=caption.html or None,
                caption_entities=caption.entities if caption.text else (),
                reply_markup=markup,
                extra=extra,
                paid_broadcast=paid,
            )
            event = state.record_bot_event(record, "sent")
            return record.to_api(chat.chat), [event]

    def send_photo(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        """A PNG or JPEG uploaded (multipart field `photo`) or sent again by file_id.

        Telegram's limits: at most 10 MB, width + height at most 10000, sides at most 20:1.
        The emulator keeps the bytes as sent and answers with one PhotoSize, the original
        (Telegram would recompress to JPEG and add smaller sizes).
        """
        state = self.state
        with state.lock:
            chat = self._target_chat(params)
            caption = self._caption(params)
            markup = self._inline_markup(params)
            extra = self._reply_extra(chat, params)
            upload, stored = self._upload_or_stored(params, files, "photo")
            data = upload.data if upload is not None else stored.data
            if upload is not None and len(data) > MAX_PHOTO_BYTES:
                raise bad_request("PHOTO_SAVE_FILE_INVALID")
            size = image_size(data)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = size
            if width + height > MAX_PHOTO_WIDTH_PLUS_HEIGHT or max(
                width, height
            ) > MAX_PHOTO_ASPECT_RATIO * min(width, height):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            self._check_not_blocked(chat)
            paid = bool_param(params, "allow_paid_broadcast")
            self._admit(chat.chat_id, paid)
            if upload is not None:
                stored = state.store_file(data, upload.file_name, _mime_type(upload), "photos")
            assert stored is not None
            record = self._new_bot_message(
                chat,
                photo=[stored.photo_size(width, height)],
                caption=caption.text or None,
                caption_html=caption.html or None,
                caption_entities=caption.entities if caption.text else (),
                reply_markup=markup,
                extra=extra,
                paid_broadcast=paid,
            )
            event = state.record_bot_event(record, "sent")
            return record.to_api(chat.chat), [event]

    def get_file(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        file_id = str_param(params, "file_id")
        with self.state.lock:
            stored = self.state.files.get(file_id or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        answer = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }
        if not self.state.announce_file_sizes:  # optional in the Bot API
            del answer["file_size"]
        return answer, []

    def send_chat_action(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        with self.state.lock:
            self._check_not_blocked(self._target_chat(params))
        return True, []

    def set_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        commands = json_param(params, "commands", "can't parse commands JSON object")
        if not isinstance(commands, list):
            raise bad_request('parameter "commands" is required')
        if len(commands) > 100:
            raise bad_request("too many commands")
        cleaned = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand")
            name = str(command.get("command", "")).removeprefix("/")
            description = str(command.get("description", "")).strip()
            if not _COMMAND_NAME.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("command description must be non-empty")
            cleaned.append({"command": name, "description": description})
        with self.state.lock:
            self.state.commands[self._commands_key(params)] = cleaned
            self.state.changed.notify_all()
        return True, []

    def get_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        with self.state.lock:
            return list(self.state.commands.get(self._commands_key(params), [])), []

    def delete_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        with self.state.lock:
            self.state.commands.pop(self._commands_key(params), None)
            self.state.changed.notify_all()
        return True, []

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = json_param(params, "scope", "can't parse BotCommandScope JSON object")
        scope_type = scope.get("type", "default") if isinstance(scope, dict) else "default"
        detail = ""
        if isinstance(scope, dict):
            detail = ":".join(str(scope[key]) for key in ("chat_id", "user_id") if key in scope)
        return (
            f"{scope_type}:{detail}" if detail else scope_type,
            str_param(params, "language_code") or "",
        )

    def set_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        url = (str_param(params, "url") or "").strip()
        if not url:
            return self.delete_webhook(params, files)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname not in _LOOPBACK_HOSTS:
            raise bad_request(
                "bad webhook: the emulator delivers webhooks only to http(s)://127.0.0.1 or localhost"
            )
        secret = str_param(params, "secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        allowed = json_param(params, "allowed_updates", "can't parse allowed_updates")
        with self.state.lock:
            if bool_param(params, "drop_pending_updates"):
                self.state.drop_pending_updates()
            self.state.webhook = Webhook(
                url=url,
                secret_token=secret,
                max_connections=int_param(params, "max_connections", 40) or 40,
                allowed_updates=allowed,
            )
            if allowed is not None:
                self.state.allowed_updates = allowed
            self.state.changed.notify_all()
        return True, []

    def delete_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        with self.state.lock:
            self.state.webhook = None
            if bool_param(params, "drop_pending_updates"):
                self.state.drop_pending_updates()
            self.state.changed.notify_all()
        return True, []

    def get_webhook_info(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        with self.state.lock:
            webhook = self.state.webhook
            info: dict[str, Any] = {
                "url": webhook.url if webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self.state.updates),
            }
            if webhook is not None:
                info["max_connections"] = webhook.max_connections
                if webhook.allowed_updates is not None:
                    info["allowed_updates"] = webhook.allowed_updates
                if webhook.last_error_date is not None:
                    info["last_error_date"] = webhook.last_error_date
                    info["last_error_message"] = webhook.last_error_message
            return info, []

    def close(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Result:
        return True, []


def _check_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    if "callback_data" in button:
        data = button["callback_data"]
        if (
            not isinstance(data, str)
            or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
        ):
            raise bad_request("BUTTON_DATA_INVALID")
        return
    if not any(key in button for key in _NON_CALLBACK_BUTTON_KEYS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "url" in button and not str(button["url"]).strip():
        raise bad_request("BUTTON_URL_INVALID")


def _trim(
    text: str, entities: tuple[dict[str, Any], ...]
) -> tuple[str, tuple[dict[str, Any], ...]]:
    """Telegram drops leading and trailing whitespace; entities are shifted and clipped to match."""
    stripped = text.strip(_TRIMMED)
    if stripped == text:
        return text, entities
    lead = utf16_length(text[: len(text) - len(text.lstrip(_TRIMMED))])
    total = utf16_length(stripped)
    trimmed = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(total, entity["offset"] + entity["length"] - lead)
        if end > start:
            trimmed.append({**entity, "offset": start, "length": end - start})
    return stripped, tuple(trimmed)


def _mime_type(upload: UploadedFile) -> str:
    guessed = mimetypes.guess_type(upload.file_name or "")[0]
    if guessed:
        return guessed
    if upload.content_type and upload.content_type != "application/octet-stream":
        return upload.content_type
    return "application/octet-stream"
