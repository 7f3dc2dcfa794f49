"""Telegram-HTML parse mode: validation as the Bot API does it, plain text and entities out.

The rules follow tdlib's `parse_html` (which the Bot API server runs): the tags Telegram
documents, the entities `&lt; &gt; &amp; &quot;` and numeric ones, tag names case-insensitive,
nesting checked. Two deliberate differences, both switchable:

* strict mode (the default) refuses a bare `&` that does not start an entity and an entity
  without its `;`; Telegram silently keeps such text literally, but the Bot API documentation
  demands escaping, and a bare `&` in WordBot output means user data went out unescaped;
* a stray `>` is accepted, exactly as Telegram does.

Entity offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["HtmlParseError", "ParsedText", "parse_html", "plain_text", "utf16_length"]

_ENTITY_TYPE_BY_TAG = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_VALUELESS_ATTRIBUTES = {"blockquote": {"expandable"}}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")
_USER_LINK = re.compile(r"tg://user\?id=(\d+)$")


class HtmlParseError(ValueError):
    """Text Telegram would refuse with "can't parse entities"; the message is Telegram's wording."""


@dataclass(frozen=True, slots=True)
class ParsedText:
    """What Telegram stores for an HTML text: the plain text and its entities (Bot API dicts)."""

    text: str
    entities: tuple[dict[str, Any], ...] = field(default=())


@dataclass(slots=True)
class _OpenTag:
    name: str
    offset: int  # UTF-16 offset in the plain text where the tag opened
    begin: int  # index in the plain-text character list
    attributes: dict[str, str]


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of Bot API entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def plain_text(html_text: str, *, strict: bool = True) -> str:
    """The text a Telegram user sees for `html_text` (tags removed, entities decoded)."""
    return parse_html(html_text, strict=strict).text


def parse_html(source: str, *, strict: bool = True) -> ParsedText:
    """Parse Telegram HTML; raise HtmlParseError where the Bot API answers 400."""
    parser = _Parser(source, strict)
    return parser.run()


class _Parser:
    def __init__(self, source: str, strict: bool) -> None:
        self.source = source
        self.strict = strict
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def run(self) -> ParsedText:
        source = self.source
        while self.pos < len(source):
            char = source[self.pos]
            if char == "&":
                self._entity()
            elif char == "<":
                if source.startswith("</", self.pos):
                    self._end_tag()
                else:
                    self._start_tag()
            else:
                self._emit(char)
                self.pos += 1
        if self.stack:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return ParsedText("".join(self.out), tuple(self.entities))

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.utf16 += utf16_length(text)

    def _byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def _entity(self) -> None:
        decoded, end = _decode_entity(self.source, self.pos, self.strict)
        if decoded is None:
            if self.strict:
                raise HtmlParseError(
                    f'Character "&" at byte offset {self._byte_offset(self.pos)} '
                    "must be escaped as &amp;"
                )
            self._emit("&")
            self.pos += 1
            return
        self._emit(decoded)
        self.pos = end

    def _start_tag(self) -> None:
        source = self.source
        begin = self.pos
        index = begin + 1
        while index < len(source) and not source[index].isspace() and source[index] != ">":
            index += 1
        if index >= len(source):
            raise HtmlParseError(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        name = source[begin + 1 : index].lower()
        if name not in _ENTITY_TYPE_BY_TAG:
            raise HtmlParseError(
                f'Unsupported start tag "{name}" at byte offset {self._byte_offset(begin)}'
            )
        attributes, index = self._attributes(name, begin, index)
        self._check_start_tag(name, attributes)
        self.stack.append(_OpenTag(name, self.utf16, len(self.out), attributes))
        self.pos = index + 1

    def _attributes(self, name: str, begin: int, index: int) -> tuple[dict[str, str], int]:
        source = self.source
        attributes: dict[str, str] = {}
        at = self._byte_offset(begin)
        while True:
            while index < len(source) and source[index].isspace():
                index += 1
            if index >= len(source):
                raise HtmlParseError(f'Unclosed start tag "{name}" at byte offset {at}')
            if source[index] == ">":
                return attributes, index
            attribute_begin = index
            while index < len(source) and source[index] not in "=>" and not source[index].isspace():
                index += 1
            attribute = source[attribute_begin:index].lower()
            while index < len(source) and source[index].isspace():
                index += 1
            if index >= len(source):
                raise HtmlParseError(f'Unclosed start tag "{name}" at byte offset {at}')
            if source[index] != "=":
                if attribute in _VALUELESS_ATTRIBUTES.get(name, ()):
                    attributes[attribute] = ""
                    continue
                raise HtmlParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {at}'
                )
            index += 1
            while index < len(source) and source[index].isspace():
                index += 1
            if index >= len(source):
                raise HtmlParseError(f'Unclosed start tag "{name}" at byte offset {at}')
            value, index = self._attribute_value(index, at)
            attributes[attribute] = value

    def _attribute_value(self, index: int, at: int) -> tuple[str, int]:
        source = self.source
        quote = source[index]
        if quote not in "'\"":
            token = _NAME_TOKEN.match(source, index)
            end = token.end() if token else index
            if end < len(source) and not source[end].isspace() and source[end] != ">":
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {self._byte_offset(end)}"
                )
            return source[index:end].lower(), end
        index += 1
        value: list[str] = []
        while index < len(source) and source[index] != quote:
            if source[index] == "&":
                decoded, end = _decode_entity(source, index, self.strict)
                if decoded is not None:
                    value.append(decoded)
                    index = end
                    continue
                if self.strict:
                    raise HtmlParseError(
                        f'Character "&" at byte offset {self._byte_offset(index)} '
                        "must be escaped as &amp;"
                    )
            value.append(source[index])
            index += 1
        if index >= len(source):
            raise HtmlParseError(f"Unclosed start tag at byte offset {at}")
        return "".join(value), index + 1

    def _check_start_tag(self, name: str, attributes: dict[str, str]) -> None:
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise HtmlParseError('Tag "span" must have class "tg-spoiler"')
        if name == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
            raise HtmlParseError("Invalid custom emoji identifier specified")

    def _end_tag(self) -> None:
        source = self.source
        begin = self.pos
        index = begin + 2
        while index < len(source) and not source[index].isspace() and source[index] != ">":
            index += 1
        name = source[begin + 2 : index].lower()
        while index < len(source) and source[index].isspace():
            index += 1
        at = self._byte_offset(begin)
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {at}")
        if index >= len(source) or source[index] != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {at}")
        opened = self.stack[-1]
        if name and name != opened.name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {at}, expected "</{opened.name}>", '
                f'found "</{name}>"'
            )
        self.stack.pop()
        self.pos = index + 1
        if self.utf16 > opened.offset:
            self._close_entity(opened)

    def _close_entity(self, opened: _OpenTag) -> None:
        kind = _ENTITY_TYPE_BY_TAG[opened.name]
        entity: dict[str, Any] = {
            "type": kind,
            "offset": opened.offset,
            "length": self.utf16 - opened.offset,
        }
        if kind == "text_link":
            url = opened.attributes.get("href") or "".join(self.out[opened.begin :])
            user = _USER_LINK.match(url)
            if user:
                entity = {**entity, "type": "text_mention", "user": {"id": int(user[1])}}
            else:
                entity["url"] = url
        elif kind == "code":
            language = opened.attributes.get("class", "")
            if language.startswith("language-"):
                entity["language"] = language.removeprefix("language-")  # kept only inside <pre>
        elif kind == "pre":
            previous = self.entities[-1] if self.entities else None
            if self._same_span(previous, entity, "code"):
                inner = self.entities.pop()
                if "language" in inner:
                    entity["language"] = inner["language"]
        elif kind == "blockquote" and "expandable" in opened.attributes:
            entity["type"] = "expandable_blockquote"
        elif kind == "custom_emoji":
            entity["custom_emoji_id"] = opened.attributes["emoji-id"]
        self.entities.append(entity)

    @staticmethod
    def _same_span(previous: dict[str, Any] | None, entity: dict[str, Any], kind: str) -> bool:
        return (
            previous is not None
            and previous["type"] == kind
            and previous["offset"] == entity["offset"]
            and previous["length"] == entity["length"]
        )


def _decode_entity(source: str, pos: int, strict: bool) -> tuple[str | None, int]:
    """Decode the character reference at `pos` (which holds '&'): (character, end) or (None, pos)."""
    end = pos + 1
    if source.startswith("&#", pos):
        end += 1
        hexadecimal = source.startswith("x", end) or source.startswith("X", end)
        if hexadecimal:
            end += 1
        digits_begin = end
        allowed = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        while end < len(source) and source[end] in allowed:
            end += 1
        digits = source[digits_begin:end]
        if not digits or end - pos >= 10:
            return None, pos
        code = int(digits, 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None, pos
        character = chr(code)
    else:
        while end < len(source) and source[end].isascii() and source[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(source[pos + 1 : end])
        if named is None:
            return None, pos
        character = named
    if end < len(source) and source[end] == ";":
        return character, end + 1
    if strict:
        return None, pos
    return character, end
