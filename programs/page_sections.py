"""A rendered page cut at its headings, so that each entry of a page (each service on the
resources page) can be found and linked to on its own: `/resources/#online-detainee-locator-system`.
"""

import re
from dataclasses import dataclass

from .markdown import plain_text

# Rendered bodies come from programs.markdown: every h2 and h3 has an id, and nh3 has already
# reduced the markup to a known, attribute-free form, so a pattern reads it reliably.
_HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)</h\1>', re.S)


@dataclass(frozen=True)
class Section:
    anchor: str  # the heading's id
    title: str
    level: int  # 2 or 3
    group: str  # for an h3, the h2 above it
    text: str  # the plain text between this heading and the next


def page_sections(body_html: str) -> list[Section]:
    found, group = [], ""
    headings = list(_HEADING.finditer(body_html))
    for i, match in enumerate(headings):
        level, title = int(match[1]), plain_text(match[3])
        end = headings[i + 1].start() if i + 1 < len(headings) else len(body_html)
        text = " ".join(plain_text(body_html[match.end() : end]).split())
        found.append(Section(match[2], title, level, group if level == 3 else "", text))
        if level == 2:
            group = title
    return found


def find_section(sections: list[Section], *names: str) -> Section | None:
    """The first section whose title contains one of `names` (any case): how a page links to
    an entry without hard-coding the anchor an editor's heading produces."""
    for name in names:
        for section in sections:
            if name.casefold() in section.title.casefold():
                return section
    return None
