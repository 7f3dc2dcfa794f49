"""A request's parameters, as the Bot API accepts them: query string, urlencoded, JSON or
multipart body (merged, body over query), and typed readers for single parameters."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from wordbot.emulator.errors import bad_request

__all__ = [
    "UploadedFile",
    "bool_param",
    "int_param",
    "json_param",
    "merge_params",
    "str_param",
]

_DISPOSITION_PARAM = re.compile(r';\s*([A-Za-z0-9_*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart/form-data request."""

    field: str
    file_name: str | None
    content_type: str | None
    data: bytes


def merge_params(
    query: str, content_type: str | None, body: bytes
) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """All parameters of a request and its uploaded files."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, UploadedFile] = {}
    media_type, options = _content_type(content_type or "")
    if not body:
        return params, files
    if media_type == "application/json":
        try:
            decoded = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise bad_request(f"can't parse JSON object: {error}") from None
        if not isinstance(decoded, dict):
            raise bad_request("can't parse JSON object: an object is expected")
        params.update(decoded)
    elif media_type == "multipart/form-data":
        boundary = options.get("boundary")
        if not boundary:
            raise bad_request("multipart body without boundary")
        for part in _multipart_parts(body, boundary.encode("latin-1")):
            if isinstance(part, UploadedFile):
                files[part.field] = part
            else:
                params[part[0]] = part[1]
    else:
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return params, files


def _content_type(header: str) -> tuple[str, dict[str, str]]:
    media_type, _, rest = header.partition(";")
    options = {}
    for match in _DISPOSITION_PARAM.finditer(";" + rest):
        options[match[1].lower()] = match[2] if match[2] is not None else match[3]
    return media_type.strip().lower(), options


def _multipart_parts(body: bytes, boundary: bytes) -> list[UploadedFile | tuple[str, str]]:
    parts: list[UploadedFile | tuple[str, str]] = []
    for section in body.split(b"--" + boundary)[1:]:
        if section.startswith(b"--"):
            break
        section = section.removeprefix(b"\r\n")
        head, separator, content = section.partition(b"\r\n\r\n")
        if not separator:
            continue
        content = content.removesuffix(b"\r\n")
        headers = _part_headers(head.decode("utf-8", "replace"))
        _, disposition = _content_type(headers.get("content-disposition", ""))
        name = disposition.get("name")
        if name is None:
            continue
        file_name = disposition.get("filename")
        if "filename*" in disposition:
            file_name = _rfc2231(disposition["filename*"])
        if file_name is not None:
            file_name = _html5_unescape(file_name)
            parts.append(UploadedFile(name, file_name, headers.get("content-type"), content))
        else:
            parts.append((name, content.decode("utf-8", "replace")))
    return parts


def _part_headers(head: str) -> dict[str, str]:
    headers = {}
    for line in head.split("\r\n"):
        key, separator, value = line.partition(":")
        if separator:
            headers[key.strip().lower()] = value.strip()
    return headers


def _rfc2231(value: str) -> str:
    charset, _, rest = value.partition("'")
    _, _, encoded = rest.partition("'")
    return unquote(encoded, encoding=charset or "utf-8", errors="replace")


def _html5_unescape(value: str) -> str:
    """urllib3 writes file names HTML5-style: quotes and line ends as %XX, backslashes doubled."""
    for escaped, plain in (("%22", '"'), ("%0D", "\r"), ("%0A", "\n"), ("\\\\", "\\")):
        value = value.replace(escaped, plain)
    return value


def str_param(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def int_param(
    params: dict[str, Any], name: str, default: int | None = None, missing: str | None = None
) -> int | None:
    """An integer parameter; `missing` is the Bad Request reason when it is required and absent."""
    value = params.get(name)
    if value is None or value == "":
        if missing is not None:
            raise bad_request(missing)
        return default
    if isinstance(value, bool):
        raise bad_request(f"invalid {name} specified")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def bool_param(params: dict[str, Any], name: str, default: bool = False) -> bool:
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")


def json_param(params: dict[str, Any], name: str, reason: str) -> Any:
    """A parameter that Telegram takes as JSON (a serialized string, or already decoded)."""
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise bad_request(reason) from None
