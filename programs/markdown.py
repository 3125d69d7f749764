"""The one markdown -> safe HTML function, for public pages and the admin preview alike.

Python-Markdown renders; nh3 (the Ammonia sanitizer) then keeps only an allowlist, so nothing an
editor types, raw HTML included, can put script on a page.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import markdown
import nh3
from django.urls import reverse
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "a",
    "table", "thead", "tbody", "tr", "th", "td", "blockquote", "code", "pre", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel", "class"},
    "abbr": {"title"},
    **{f"h{n}": {"id"} for n in range(2, 7)},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EXTERNAL_REL = "noopener noreferrer"

# Internal links name a page by kind and slug: [NFOP](program:national-fugitive-operations-program)
LINK_KINDS = {
    "program": lambda slug: reverse("program_detail", args=[slug]),
    "term": lambda slug: reverse("glossary_term", args=[slug]),
    "faq": lambda slug: reverse("faq") + "#" + slug,
    "source": lambda slug: reverse("source_detail", args=[slug]),
}
INTERNAL_LINK = re.compile(r"^(?P<kind>[a-z]+):(?P<slug>[a-z0-9][a-z0-9-]*)$")


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
            if match and match["kind"] in LINK_KINDS:
                self.links.append((match["kind"], match["slug"]))
                a.set("href", LINK_KINDS[match["kind"]](match["slug"]))
            elif urlsplit(href).scheme in {"http", "https"}:
                a.set("rel", EXTERNAL_REL)


class _InternalLinks(Extension):
    def __init__(self, links: list):
        super().__init__()
        self.links = links

    def extendMarkdown(self, md):
        md.treeprocessors.register(_LinkProcessor(md, self.links), "internal_links", 5)


def render(text: str) -> Rendered:
    """Render markdown to sanitized HTML, with heading ids, the h2 outline and the links used."""
    links: list[tuple[str, str]] = []
    md = markdown.Markdown(
        extensions=[
            "tables",
            "sane_lists",
            TocExtension(toc_depth="2-3"),
            _InternalLinks(links),
        ],
        output_format="html",
    )
    html = md.convert(text)
    safe = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    # Heading names are shown in in-page navigation: keep them as escaped text, no tags.
    toc = [
        {"id": t["id"], "name": nh3.clean(t["name"], tags=set())}
        for t in md.toc_tokens
        if t["level"] == 2
    ]
    return Rendered(html=safe, toc=toc, links=links)


def render_markdown(text: str) -> str:
    """django-markdownx's preview hook: the same render as public pages."""
    return render(text).html
