"""The one markdown -> safe HTML function, for public pages and the admin preview alike.

Python-Markdown renders; nh3 (the Ammonia sanitizer) then keeps only an allowlist, so nothing an
editor types, raw HTML included, can put script on a page.
"""

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

import markdown
import nh3
from django.utils import translation
from django.utils.html import strip_tags
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .kinds import BY_LINK, TERM

ALLOWED_TAGS = {
    *("h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "a"),
    *("table", "thead", "tbody", "tr", "th", "td", "blockquote", "code", "pre", "abbr", "span"),
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "abbr": {"title"},
    # Only for the English words a translated page quotes: <span lang="en">“...”</span>.
    "span": {"lang"},
    **{f"h{n}": {"id"} for n in range(2, 7)},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EXTERNAL_REL = "noopener noreferrer"

# Internal links name a page by kind and slug: [NFOP](program:national-fugitive-operations-program);
# the kinds of link are those of programs.kinds.
INTERNAL_LINK = re.compile(
    r"^(?P<kind>[a-z]+):(?P<slug>[a-z0-9][a-z0-9-]*)(?P<anchor>#[A-Za-z0-9_-]+)?$"
)


@dataclass(frozen=True, eq=False)  # hashed by identity: `build` returns one per set of terms
class GlossaryLinker:
    """Finds the first mention of each glossary term or acronym in a page's text.

    Names match in any case, acronyms only as written ("CAP", not "cap"); the longest name
    wins where names overlap ("Fugitive Operations Teams" before "FOT").
    """

    pattern: re.Pattern | None
    names: dict[str, tuple[str, str]]  # casefolded name -> (slug, term)
    acronyms: dict[str, tuple[str, str]]  # acronym as written -> (slug, term)

    @classmethod
    def build(cls, terms) -> "GlossaryLinker":
        """`terms`: (slug, term, acronyms) for every term that may be linked."""
        return _build_linker(tuple((slug, term, tuple(acr)) for slug, term, acr in terms))

    @classmethod
    def _from_terms(cls, terms: tuple) -> "GlossaryLinker":
        names, acronyms, alternatives = {}, {}, []
        for slug, term, term_acronyms in terms:
            names.setdefault(term.casefold(), (slug, term))
            alternatives.append((len(term), f"(?i:{re.escape(term)})"))
            for acronym in term_acronyms:
                acronyms.setdefault(acronym, (slug, term))
                alternatives.append((len(acronym), re.escape(acronym)))
        if not alternatives:
            return cls(None, {}, {})
        ordered = "|".join(alt for _, alt in sorted(alternatives, key=lambda a: -a[0]))
        return cls(re.compile(rf"(?<![\w-])(?:{ordered})(?![\w-])"), names, acronyms)

    def lookup(self, text: str) -> tuple[str, str, bool] | None:
        """(slug, term, is_acronym) for a matched piece of text."""
        if text in self.acronyms:
            return (*self.acronyms[text], True)
        found = self.names.get(text.casefold())
        return (*found, False) if found else None


@lru_cache(maxsize=4)
def _build_linker(terms: tuple) -> GlossaryLinker:
    return GlossaryLinker._from_terms(terms)


NO_GLOSSARY = GlossaryLinker(None, {}, {})
# Glossary links are never added inside these.
SKIP_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre", "abbr"}


# --- Limits ----------------------------------------------------------------------------------
# Python-Markdown's time grows with the square of the unclosed '[' in a paragraph ("[" * 8000
# took 52 s) and of the headings in a text (ids are made unique one by one); it recurses once
# per level of nested lists (300 levels: RecursionError); and dense inline syntax costs about
# 25 ms per KB. Every text is checked against these limits before it is rendered, so a file
# or a preview renders in about a second at worst (measured in docs/performance.md). Each is
# several times what any page uses today (in brackets).
MAX_BODY_CHARS = 50_000  # (11,000: resources.md)
MAX_PARAGRAPH_CHARS = 5_000  # between blank lines, so a line too (1,300)
MAX_BRACKETS_PER_PARAGRAPH = 100  # '[' (9)
MAX_BRACKETS = 1_000  # '[' in the whole text (19)
MAX_HEADINGS = 200  # (35)
MAX_NESTING = 10  # levels of lists and quotes (2)

BLANK_LINE = re.compile(r"^[ \t]*$")
HEADING_LINE = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|=+[ \t]*$|-+[ \t]*$)")
# One level of a list or a quote at the start of a line: '>', or '-', '*', '+', '1.', '1)'
# followed by a space.
CONTAINER_MARKER = re.compile(r"[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]))")


class MarkdownTooComplex(ValueError):
    """Text over the limits; `problems` are (line in the text, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__("; ".join(f"line {line}: {message}" for line, message in problems))


def markdown_problems(text: str) -> list[tuple[int, str]]:
    """(line, message) for each limit the text exceeds, at the first line that does."""
    if len(text) > MAX_BODY_CHARS:
        return [(1, f"is {len(text):,} characters; the limit is {MAX_BODY_CHARS:,}")]
    lines = text.split("\n")
    problems = [
        _paragraph_problem(lines),
        _bracket_problem(lines),
        _heading_problem(lines),
        _nesting_problem(lines),
        _unclosed_comment_problem(text),
    ]
    return [p for p in problems if p is not None]


def _paragraphs(lines: list[str]):
    """(first line number, text) of each run of lines between blank lines."""
    start, run = 1, []
    for number, line in enumerate(lines, start=1):
        if BLANK_LINE.match(line):
            if run:
                yield start, "\n".join(run)
            run = []
        else:
            if not run:
                start = number
            run.append(line)
    if run:
        yield start, "\n".join(run)


def _paragraph_problem(lines: list[str]) -> tuple[int, str] | None:
    for line, paragraph in _paragraphs(lines):
        if len(paragraph) > MAX_PARAGRAPH_CHARS:
            return line, (
                f"this paragraph is {len(paragraph):,} characters; the limit is "
                f"{MAX_PARAGRAPH_CHARS:,} (split it with blank lines)"
            )
    return None


def _bracket_problem(lines: list[str]) -> tuple[int, str] | None:
    total = 0
    for line, paragraph in _paragraphs(lines):
        count = paragraph.count("[")
        if count > MAX_BRACKETS_PER_PARAGRAPH:
            return line, (
                f"this paragraph has {count:,} '['; the limit is {MAX_BRACKETS_PER_PARAGRAPH} "
                "(write \\[ for a bracket that starts no link, or split the paragraph)"
            )
        total += count
        if total > MAX_BRACKETS:
            return line, f"more than {MAX_BRACKETS:,} '[' in the text; split the page"
    return None


def _heading_problem(lines: list[str]) -> tuple[int, str] | None:
    count = 0
    for number, line in enumerate(lines, start=1):
        count += bool(HEADING_LINE.match(line))
        if count > MAX_HEADINGS:
            return number, f"more than {MAX_HEADINGS} headings; split the page"
    return None


def _nesting(line: str) -> int:
    """Levels of lists and quotes a line opens or sits in: 4 columns of indent are a level."""
    expanded = line.expandtabs(4)
    depth = (len(expanded) - len(expanded.lstrip(" "))) // 4
    position = 0
    while match := CONTAINER_MARKER.match(expanded, position):
        depth += 1
        position = match.end()
    return depth


def _nesting_problem(lines: list[str]) -> tuple[int, str] | None:
    for number, line in enumerate(lines, start=1):
        if _nesting(line) > MAX_NESTING:
            return number, f"lists or quotes nested more than {MAX_NESTING} levels deep"
    return None


def _unclosed_comment_problem(text: str) -> tuple[int, str] | None:
    start = text.rfind("<!--")
    if start != -1 and text.find("-->", start + 4) == -1:
        line = text.count("\n", 0, start) + 1
        return line, "'<!--' is not closed by '-->': the rest of the text would be shown"
    return None


def strip_comments(text: str) -> str:
    """The text without its HTML comments (`<!-- note -->`): notes for editors, never shown.

    A comment on lines of its own goes with its line break, so the paragraphs around it stay
    as they were. Linear: a scan with str.find, not a regular expression that could backtrack.
    """
    out, position = [], 0
    while (start := text.find("<!--", position)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            break
        end += 3
        whole_lines = (start == 0 or text[start - 1] == "\n") and text[end : end + 1] == "\n"
        out.append(text[position:start])
        position = end + 1 if whole_lines else end
    out.append(text[position:])
    return "".join(out)


@dataclass
class Rendered:
    html: str
    toc: list[dict] = field(default_factory=list)  # [{"id", "name"}] for each h2
    links: list[tuple[str, str]] = field(default_factory=list)  # (kind, slug) as written


class _LinkProcessor(Treeprocessor):
    """Turns `kind:slug` hrefs into site URLs, records them, and marks external links."""

    def __init__(self, md, links: list):
        super().__init__(md)
        self.links = links

    def run(self, root):
        for a in root.iter("a"):
            href = a.get("href", "")
            match = INTERNAL_LINK.match(href)
            if match and match["kind"] not in URL_SCHEMES:
                # Recorded even when the kind is unknown, so the loader can report it.
                self.links.append((match["kind"], match["slug"]))
                if match["kind"] in BY_LINK:
                    url = BY_LINK[match["kind"]].url(match["slug"])
                    a.set("href", url + (match["anchor"] or "") if "#" not in url else url)
            elif urlsplit(href).scheme in {"http", "https"}:
                a.set("rel", EXTERNAL_REL)


class _GlossaryProcessor(Treeprocessor):
    """Links the first mention of each glossary term, outside headings, links and code."""

    def __init__(self, md, linker: GlossaryLinker, links: list):
        super().__init__(md)
        self.linker = linker
        self.links = links
        self.done: set[str] = set()

    def run(self, root):
        if self.linker.pattern is not None:
            self._walk(root)

    def _walk(self, element) -> None:
        if element.tag in SKIP_TAGS:
            return
        element.text = self._link_text(element, element.text, 0)
        index = 0
        while index < len(element):
            child = element[index]
            self._walk(child)
            before = len(element)
            child.tail = self._link_text(element, child.tail, index + 1)
            index += 1 + len(element) - before

    def _link_text(self, parent, text: str | None, position: int) -> str | None:
        """Split `text` around matches, inserting links into `parent` at `position`."""
        if not text:
            return text
        head, cursor, inserted = None, 0, []
        for match in self.linker.pattern.finditer(text):
            found = self.linker.lookup(match.group())
            if found is None or found[0] in self.done:
                continue
            slug, term, is_acronym = found
            self.done.add(slug)
            self.links.append(("term", slug))
            link = etree.Element("a", {"href": TERM.url(slug), "class": "term-link"})
            if is_acronym:
                abbr = etree.SubElement(link, "abbr", {"title": term})
                abbr.text = match.group()
            else:
                link.text = match.group()
            if inserted:
                inserted[-1].tail = text[cursor : match.start()]
            else:
                head = text[cursor : match.start()]
            inserted.append(link)
            cursor = match.end()
        if not inserted:
            return text
        inserted[-1].tail = text[cursor:]
        for offset, link in enumerate(inserted):
            parent.insert(position + offset, link)
        return head


# A translated body quotes the English source word for word: [[en: exact English words]].
QUOTED_ENGLISH = re.compile(r"\[\[en: (.+?)\]\]", re.DOTALL)


class _QuotedEnglish(InlineProcessor):
    """[[en: words]] -> <span lang="en">“words”</span>: the source's words, marked as English,
    left exactly as written (no markdown inside them, no glossary links)."""

    def handleMatch(self, m, data):
        span = etree.Element("span", {"lang": "en"})
        span.text = AtomicString(f"\u201c{' '.join(m.group(1).split())}\u201d")
        return span, m.start(0), m.end(0)


class _InternalLinks(Extension):
    def __init__(self, links: list, linker: GlossaryLinker):
        super().__init__()
        self.links = links
        self.linker = linker

    def extendMarkdown(self, md):
        # Raw HTML is shown as text, not passed through: every link then comes from markdown
        # syntax and gets the same treatment below. nh3 still cleans the output.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # Before links (160) and references (170): the brackets are not a link.
        md.inlinePatterns.register(_QuotedEnglish(QUOTED_ENGLISH.pattern, md), "quoted_en", 175)
        md.treeprocessors.register(_LinkProcessor(md, self.links), "internal_links", 5)
        glossary = _GlossaryProcessor(md, self.linker, self.links)
        md.treeprocessors.register(glossary, "glossary_links", 4)


@lru_cache(maxsize=4096)
def render(text: str, glossary: GlossaryLinker = NO_GLOSSARY, language: str = "en") -> Rendered:
    """Render markdown to sanitized HTML, with heading ids, the h2 outline and the links used.

    With a `glossary`, the first mention of each of its terms links to the term's entry.
    Internal links go to the pages of `language` (/es/programs/... for a Spanish body).
    Results are remembered (treat them as read-only), so a reload while editing re-renders only
    the files that changed. Raises MarkdownTooComplex for text over the limits above; HTML
    comments are left out.
    """
    problems = markdown_problems(text)
    if problems:
        raise MarkdownTooComplex(problems)
    with translation.override(language):
        return _render(text, glossary)


def _render(text: str, glossary: GlossaryLinker) -> Rendered:
    links: list[tuple[str, str]] = []
    md = markdown.Markdown(
        extensions=[
            "tables",
            "sane_lists",
            TocExtension(toc_depth="2-3"),
            _InternalLinks(links, glossary),
        ],
        output_format="html",
    )
    html = md.convert(strip_comments(text))
    safe = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        allowed_classes={"a": {"term-link"}},
        strip_comments=True,
    )
    # Heading names are shown in in-page navigation: keep them as escaped text, no tags.
    toc = [
        {"id": t["id"], "name": nh3.clean(t["name"], tags=set())}
        for t in md.toc_tokens
        if t["level"] == 2
    ]
    return Rendered(html=safe, toc=toc, links=links)


def plain_text(rendered_html: str) -> str:
    """The text of rendered HTML as a reader sees it: no tags and no entities, so a template
    or JSON that escapes it again shows "&", not "&amp;"."""
    return html.unescape(strip_tags(rendered_html)).strip()


def first_paragraph(rendered_html: str) -> str:
    """The first paragraph of rendered HTML (answer-first writing puts the answer there), or
    the whole of it when it does not open with a paragraph."""
    head, end, _rest = rendered_html.partition("</p>")
    return head + end if head.lstrip().startswith("<p>") and end else rendered_html
