"""Vocabulary management (SPEC §3): /start, /help, /add, document import, /export, /clear."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from actors.flows.context import UserContext
from storage import users, vocabulary
from wordbot.callback_data import CallbackData, new_token
from wordbot.domain.csv_export import export_caption, export_csv, export_file_name
from wordbot.domain.csv_import import is_supported_document, parse_document
from wordbot.domain.pairs import (
    MAX_IMPORT_BYTES,
    MAX_PAIRS_PER_USER,
    ParsedPairs,
    VocabularyInputError,
    parse_pairs_text,
)
from wordbot.effects import (
    AnswerCallback,
    EditPrompt,
    RemoveKeyboard,
    SendDocument,
    SendText,
)
from wordbot.rendering import vocabulary as texts
from wordbot.transport.sender import FileTooLarge
from wordbot.transport.updates import ButtonPress, DocumentMessage

__all__ = ["ADD_INPUT", "ADD_INPUT_WINDOW", "VocabularyFlow"]

log = logging.getLogger(__name__)

ADD_INPUT = "add"
ADD_INPUT_WINDOW = timedelta(minutes=5)


class VocabularyFlow:
    def __init__(self, context: UserContext, on_cleared: Callable[[], None] = lambda: None) -> None:
        self._ctx = context
        self._on_cleared = on_cleared

    def _reply(self, text: str, keyboard=None):
        return self._ctx.send(SendText(self._ctx.key.chat_id, text, keyboard))

    def start(self) -> None:
        self._reply(texts.welcome_text())

    def help(self) -> None:
        self._reply(texts.help_text())

    def add_command(self, args: str) -> None:
        if args:
            self._import_text(args)
            return
        now = self._ctx.now()
        until = now + ADD_INPUT_WINDOW
        users.set_pending_input(self._ctx.key.user_id, ADD_INPUT, until, now)
        self._ctx.update_learner(pending_input=ADD_INPUT, pending_input_until=until)
        self._reply(texts.add_usage())

    def awaits_add_text(self) -> bool:
        return self._ctx.learner().awaits_input(ADD_INPUT, self._ctx.now())

    def add_text(self, text: str) -> None:
        """The user's list after a bare `/add`."""
        self.cancel_pending_input()
        self._import_text(text)

    def cancel_pending_input(self) -> None:
        if self._ctx.learner().pending_input is not None:
            users.set_pending_input(self._ctx.key.user_id, None, None, self._ctx.now())
            self._ctx.update_learner(pending_input=None, pending_input_until=None)

    def import_document(self, document: DocumentMessage) -> None:
        if not is_supported_document(document.file_name, document.mime_type):
            self._reply(texts.unsupported_document())
            return
        if document.file_size is not None and document.file_size > MAX_IMPORT_BYTES:
            self._reply(texts.document_too_large())
            return
        try:
            content = self._ctx.download(document.file_id, MAX_IMPORT_BYTES)
        except FileTooLarge:
            self._reply(texts.document_too_large())
            return
        if content is None:
            self._reply(texts.download_failed())
            return
        try:
            parsed = parse_document(content)
        except VocabularyInputError as error:
            self._reply(texts.import_error(str(error)))
            return
        self._save(parsed)

    def _import_text(self, text: str) -> None:
        try:
            parsed = parse_pairs_text(text, delimiter_per_line=True)
        except VocabularyInputError as error:
            self._reply(texts.import_error(str(error)))
            return
        self._save(parsed)

    def _save(self, parsed: ParsedPairs) -> None:
        if not parsed.pairs:
            self._reply(texts.import_nothing_found(parsed.skipped))
            return
        try:
            result = vocabulary.upsert_pairs(
                self._ctx.key.user_id, parsed.pairs, self._ctx.now(), self._ctx.rng
            )
        except vocabulary.TooManyPairs as error:
            self._reply(texts.too_many_pairs(error.existing, error.new, MAX_PAIRS_PER_USER))
            return
        self._ctx.forget_cards()  # a pair's word2 may have changed
        self._reply(
            texts.import_summary(result.new, result.updated, parsed.skipped, result.unchanged)
        )

    def export(self) -> None:
        pairs = vocabulary.list_pairs_for_export(self._ctx.key.user_id)
        if not pairs:
            self._reply(texts.nothing_to_export())
            return
        self._ctx.send(
            SendDocument(
                self._ctx.key.chat_id,
                export_file_name(self._ctx.now().date()),
                export_csv(pairs),
                export_caption(len(pairs)),
            )
        )

    def clear_command(self) -> None:
        count = vocabulary.count_pairs(self._ctx.key.user_id)
        if count == 0:
            self._reply(texts.clear_nothing())
            return
        self._retire_confirmation()
        token = new_token()
        delivery = self._reply(texts.clear_question(count), texts.clear_keyboard(token))
        if delivery.ok:
            users.set_confirmation(
                self._ctx.key.user_id, token, delivery.message_id, self._ctx.now()
            )
            self._ctx.update_learner(confirm_token=token, confirm_message_id=delivery.message_id)

    def clear_press(self, press: ButtonPress, data: CallbackData) -> None:
        learner = self._ctx.learner()
        current = (
            learner.confirm_token == data.token
            and learner.confirm_message_id == press.message_id
            and data.action in ("yes", "no")
        )
        if not current:
            self._ctx.send(AnswerCallback(press.callback_query_id, texts.stale_button()))
            return
        users.set_confirmation(self._ctx.key.user_id, None, None, self._ctx.now())
        self._ctx.update_learner(confirm_token=None, confirm_message_id=None)
        if data.action == "no":
            self._ctx.send(AnswerCallback(press.callback_query_id))
            self._ctx.send(
                EditPrompt(self._ctx.key.chat_id, press.message_id, texts.clear_cancelled())
            )
            return
        result = vocabulary.clear_vocabulary(
            self._ctx.key.chat_id, self._ctx.key.user_id, self._ctx.now()
        )
        self._on_cleared()
        self._ctx.send(AnswerCallback(press.callback_query_id))
        self._ctx.send(
            EditPrompt(
                self._ctx.key.chat_id, press.message_id, texts.clear_done(result.pairs_deleted)
            )
        )
        for message_id in result.prompt_message_ids:
            self._ctx.send(RemoveKeyboard(self._ctx.key.chat_id, message_id))

    def _retire_confirmation(self) -> None:
        """An earlier, unanswered confirmation loses its buttons when a new one is asked."""
        learner = self._ctx.learner()
        if learner.confirm_message_id is not None:
            self._ctx.send(RemoveKeyboard(self._ctx.key.chat_id, learner.confirm_message_id))
