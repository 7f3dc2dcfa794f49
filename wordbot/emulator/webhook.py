"""Webhook delivery: while a webhook is set, POST each pending update to it, one at a time,
in order, confirming it on a 2xx answer and retrying after a pause otherwise (as Telegram does).
A JSON method call in the webhook's answer is not executed by the emulator."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

from wordbot.emulator.state import EmulatorState, Webhook, update_type

__all__ = ["WebhookDelivery"]

RETRY_SECONDS = 1.0
POST_TIMEOUT_SECONDS = 10.0


class WebhookDelivery:
    def __init__(self, state: EmulatorState) -> None:
        self._state = state
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="emulator-webhook", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._state.interrupt()
        if self._thread is not None:
            self._thread.join(timeout=1.0)  # a daemon; a hung webhook must not hold up stop()
            self._thread = None

    def _next(self) -> tuple[Webhook, dict] | None:
        state = self._state
        webhook = state.webhook
        if state.closed or state.outage or webhook is None:
            return None
        allowed = webhook.allowed_updates or state.allowed_updates
        for update in state.updates:
            if not allowed or update_type(update) in allowed:
                return webhook, update
        return None

    def _run(self) -> None:
        state = self._state
        while True:
            with state.lock:
                state.changed.wait_for(lambda: state.closed or self._next() is not None)
                if state.closed:
                    return
                found = self._next()
            if found is None:
                continue
            webhook, update = found
            error = _post(webhook, update)
            with state.lock:
                if error is None:
                    state.confirm(update["update_id"] + 1)
                    continue
                webhook.last_error_date = state.now()
                webhook.last_error_message = error
                state.changed.wait_for(
                    lambda hook=webhook: state.closed or state.webhook is not hook,
                    RETRY_SECONDS,
                )


def _post(webhook: Webhook, update: dict) -> str | None:
    """Deliver one update; None on success, else the error as Telegram would report it."""
    headers = {"Content-Type": "application/json"}
    if webhook.secret_token:
        headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
    request = urllib.request.Request(
        webhook.url, data=json.dumps(update).encode("utf-8"), headers=headers, method="POST"
    )
    try:
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
        with direct.open(request, timeout=POST_TIMEOUT_SECONDS) as response:
            response.read()
            return None
    except urllib.error.HTTPError as error:
        return f"Wrong response from the webhook: {error.code} {error.reason}"
    except (urllib.error.URLError, OSError) as error:
        return f"Connection refused: {error}"
