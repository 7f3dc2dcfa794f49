"""Telegram-HTML parsing: what the Bot API accepts, what it refuses, and the text it stores."""

from __future__ import annotations

import pytest

from wordbot.emulator.html_text import HtmlParseError, parse_html, plain_text


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("plain", "plain"),
        ("&lt;b&gt;&amp;_*[", "<b>&_*["),
        ("<b>bold</b> <i>it</i> <u>u</u> <s>s</s>", "bold it u s"),
        ("<strong>a</strong><em>b</em><ins>c</ins><strike>d</strike><del>e</del>", "abcde"),
        ("<B>upper</B>", "upper"),
        ("house → <tg-spoiler>casa</tg-spoiler>", "house → casa"),
        ('<span class="tg-spoiler">hidden</span>', "hidden"),
        ('<a href="https://example.com/?a=1&amp;b=2">link</a>', "link"),
        ("<code>x</code> <pre>y</pre>", "x y"),
        ('<pre><code class="language-python">print(1)</code></pre>', "print(1)"),
        ("<blockquote>quote</blockquote>", "quote"),
        ("<blockquote expandable>long</blockquote>", "long"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
        ("&#60;&#x3E;&quot;&#128512;", '<>"😀'),
        ("a > b", "a > b"),
        ("<b><i>nested</i></b>", "nested"),
        ("<b>closed by </>", "closed by "),
    ],
)
def test_accepted_html_gives_telegram_plain_text(source, text):
    assert plain_text(source) == text


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("a < b", 'Unsupported start tag ""'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<br>", 'Unsupported start tag "br"'),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<b", "Unclosed start tag"),
        ("Tom & Jerry", 'Character "&" at byte offset 4 must be escaped'),
        ("&nbsp;", 'Character "&" at byte offset 0'),
        ("&lt no semicolon", 'Character "&"'),
        ('<a href="x>y', "Unclosed start tag"),
    ],
)
def test_rejected_html_names_the_problem(source, reason):
    with pytest.raises(HtmlParseError) as error:
        parse_html(source)
    assert reason in str(error.value)


def test_lenient_mode_keeps_a_bare_ampersand_like_telegram():
    assert plain_text("Tom & Jerry &nbsp; &lt", strict=False) == "Tom & Jerry &nbsp; <"


def test_entities_have_utf16_offsets():
    parsed = parse_html("😀 <b>bold</b> <tg-spoiler>secret</tg-spoiler>")
    assert parsed.text == "😀 bold secret"
    assert parsed.entities == (
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "spoiler", "offset": 8, "length": 6},
    )


def test_link_and_pre_entities_carry_their_arguments():
    parsed = parse_html(
        '<a href="https://example.com">site</a> '
        '<pre><code class="language-python">x</code></pre> '
        '<a href="tg://user?id=42">Ann</a>'
    )
    assert parsed.entities == (
        {"type": "text_link", "offset": 0, "length": 4, "url": "https://example.com"},
        {"type": "pre", "offset": 5, "length": 1, "language": "python"},
        {"type": "text_mention", "offset": 7, "length": 3, "user": {"id": 42}},
    )


def test_empty_tags_make_no_entities():
    assert parse_html("<b></b>x").entities == ()
