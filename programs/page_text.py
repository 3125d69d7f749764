"""The text of a saved web page, as a capture keeps it: what `import_source` turns a file into.

A page saved by a browser (HTML) becomes its full visible text, rendered by inscriptis: block
elements start new lines, each list item and each table row is a line of its own, scripts,
styles and the document head are left out, entities are decoded, and the same HTML always gives
the same text. The whole visible text is kept, navigation and footer included, because quotes
are checked against it: a main-text extractor (trafilatura, readability) decides what is
boilerplate page by page and may drop or merge list items and table cells, so a quote could
vanish without the page having changed. A text file (UTF-8) is kept as it is.

Anything else is refused with a message saying why (`RefusedPage`): an empty file, a binary
file, text that is not UTF-8, a page with no visible text, or an error page ("Page Not Found").
"""

import re

import lxml.html
from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig

# A browser's "save page" is rarely more than a few megabytes, scripts and styles included.
MAX_PAGE_BYTES = 20_000_000
# The start of an HTML document, after any white space, byte order mark or comment.
HTML_START = re.compile(rb"^(?:\s|<!--.*?-->)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
# What an error page says in its title or first heading.
ERROR_PAGE = re.compile(
    r"\b(?:page not found|not found|404|403|500|502|503|access denied|forbidden|"
    r"server error|service unavailable|bad gateway|error occurred)\b",
    re.I,
)
# Control characters no web page's text holds (tab, line feed and carriage return aside).
BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONFIG = ParserConfig(css=CSS_PROFILES["strict"], display_links=False, display_images=False)


class RefusedPage(Exception):
    """The file cannot be a capture; the message says why."""


def page_text(data: bytes) -> tuple[str, str]:
    """(text, what the file was: "HTML" or "text") or RefusedPage."""
    if not data.strip():
        raise RefusedPage("the file is empty")
    html = bool(HTML_START.match(data.removeprefix(b"\xef\xbb\xbf")))
    text = _decode(data, html)
    if BINARY.search(text):
        raise RefusedPage("the file is not HTML or UTF-8 text: it holds binary data")
    if html:
        _refuse_error_page(_headings(text))
        text = get_text(text, CONFIG)
    text = _tidy(text)
    if not re.search(r"\w", text):
        raise RefusedPage("the page has no visible text")
    if not html:
        _refuse_error_page(text.split("\n", 1)[:1])
    return text, "HTML" if html else "text"


def _decode(data: bytes, html: bool) -> str:
    if b"\x00" in data[:8192]:
        raise RefusedPage("the file is not HTML or UTF-8 text: it looks binary")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        declared = META_CHARSET.search(data[:4096]) if html else None
        if declared is not None:
            try:
                return data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
        raise RefusedPage(
            f"the file is not HTML or UTF-8 text ({exc.reason} at byte {exc.start}); save the "
            "page again as HTML, or its text as UTF-8"
        ) from None


def _headings(html: str) -> list[str]:
    """The page's title and first top-level heading: where an error page says what it is."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    found = [tree.findtext(".//title") or ""]
    first_h1 = tree.find(".//h1")
    if first_h1 is not None:
        found.append(first_h1.text_content())
    return found


def _refuse_error_page(headings: list[str]) -> None:
    for heading in headings:
        if ERROR_PAGE.search(heading):
            shown = " ".join(heading.split())[:80]
            raise RefusedPage(
                f"the page is an error page ({shown!r}): save the page again once it loads"
            )


def _tidy(text: str) -> str:
    """Line ends made \\n, trailing spaces and runs of blank lines dropped: nothing a quote
    depends on, and a re-import of the same page gives the same file."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"
