"""User text is text: the one rule for cleaning, capping and escaping what people type or upload.

Everything a person or a file brings in — notes, event labels, file names, column headers, cell
values quoted in errors, the signed-in identity — passes through here before it is drawn:
control characters removed (one in an event label broke the briefing pack; a bidi override
reverses what a reader sees), long text shortened for display, and escaped for where it lands,
so that no Markdown, HTML, link or image is ever made from it. Pure: no Streamlit, no Plotly.

- `clean`: the characters kept (at input and before any output).
- `markdown_text`: for Streamlit's Markdown (st.markdown, captions, alerts, labels, toasts).
- `html_text`: for HTML, SVG and Plotly titles/annotations/hover text (Plotly reads a subset of
  HTML in its text, and shows entities as the characters they stand for).
"""

from __future__ import annotations

import html
import re

# C0 and C1 controls except tab and newline (handled below), DEL; zero-width and bidi
# formatting characters; line/paragraph separators; the byte-order mark; lone surrogates (a
# UTF-16 file with a broken pair); non-characters U+FFFE/U+FFFF.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069"
    "\ufeff\ufffe\uffff\ud800-\udfff]"
)
_SPACE = re.compile(r"[ \t]+")
# Every character Streamlit's Markdown reads as formatting: emphasis, code, links and images,
# headings, lists, tables, :emoji: and :material/icons:, :colour[...] directives, $maths$, HTML
# and entities. A backslash before ASCII punctuation shows it as itself (CommonMark).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&=\"'^%@])")
ELLIPSIS = "…"
# GitHub-flavoured Markdown (Streamlit's) turns a bare "http://…", "https://…" or "www.…" into a
# link after parsing, whatever was escaped: an invisible word joiner after the scheme or "www"
# breaks the pattern and shows the same characters. (A bare e-mail address may still become a
# mailto: link: it requests nothing, and identities are e-mail addresses.)
_URL_START = re.compile(r"(?i)(https?|ftp|www)(?=\\?[:.])")
WORD_JOINER = "\u2060"


def clean(text: object, *, multiline: bool = False) -> str:
    """`text` with control and invisible formatting characters removed, runs of spaces made one,
    trimmed. Single-line (the default): line breaks become spaces. Multi-line: line breaks are
    kept as "\\n" (at most two in a row). None is ""."""
    if text is None:
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    if multiline:
        lines = [_SPACE.sub(" ", line).strip() for line in value.split("\n")]
        value = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    else:
        value = _SPACE.sub(" ", value.replace("\n", " "))
    return value.strip()


def shorten(text: str, limit: int | None) -> str:
    """`text` cut to at most `limit` characters, the last one "…" when cut. None: no limit."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def markdown_text(text: object, *, limit: int | None = None, multiline: bool = False) -> str:
    """For Streamlit's Markdown: cleaned, shortened, every formatting character escaped (shows
    exactly the characters typed; line breaks kept as breaks when `multiline`)."""
    value = _MARKDOWN.sub(r"\\\1", shorten(clean(text, multiline=multiline), limit))
    value = _URL_START.sub(lambda m: m.group(1) + WORD_JOINER, value)
    return value.replace("\n", "  \n") if multiline else value


def html_text(text: object, *, limit: int | None = None) -> str:
    """For HTML, SVG and Plotly text: cleaned, shortened, `<>&"'` as entities (single line)."""
    return html.escape(shorten(clean(text), limit), quote=True)


def plain_text(text: object, *, limit: int | None = None, multiline: bool = False) -> str:
    """For surfaces that draw characters as they are (PowerPoint, PDF text, PNG via Plotly's own
    escaping, table cells): cleaned and shortened, nothing escaped."""
    return shorten(clean(text, multiline=multiline), limit)
