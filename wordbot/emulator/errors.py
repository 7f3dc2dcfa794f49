"""The Bot API's error answers, raised by method implementations and turned into JSON by the server."""

from __future__ import annotations

from typing import Any

__all__ = ["ApiError", "bad_request", "ConnectionDropped"]


class ApiError(Exception):
    """An `{"ok": false, ...}` answer with Telegram's status code and description."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    """400 with Telegram's "Bad Request: ..." wording."""
    return ApiError(400, f"Bad Request: {reason}")


class ConnectionDropped(Exception):
    """The request must end without any answer (outage or shutdown): the server closes the socket."""
