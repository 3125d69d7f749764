"""Things worth an editor's look that do not stop a load: `check_content` prints them."""

import datetime
import re

from django.utils.html import strip_tags

from .content import ContentSet
from .readability import readability_warnings
from .source_overlap import overlap_warnings
from .spanish_readability import readability_warnings as spanish_readability_warnings
from .translations import translation_warnings

NUMBER = re.compile(r"\d[\d,.]*\d|\d")
STALE_AFTER = datetime.timedelta(days=365)


def content_warnings(content: ContentSet, today: datetime.date | None = None) -> list[str]:
    today = today or datetime.date.today()
    by_id = {rec["source_id"]: rec["_normalized"] for rec in content.sources.values()}
    warnings = []
    for records in (content.programs, content.faq):
        for rec in records.values():
            warnings += _unsourced_numbers(rec, by_id)
    warnings += _unused_terms(content)
    warnings += readability_warnings(content)
    warnings += overlap_warnings(content)
    warnings += translation_warnings(content)
    warnings += spanish_readability_warnings(content)
    for records in (content.programs, content.glossary, content.faq, content.pages):
        for rec in records.values():
            reviewed = rec.get("reviewed")
            if reviewed and today - reviewed > STALE_AFTER:
                doc = rec["_doc"]
                line = doc.line("reviewed")
                warnings.append(
                    f"{doc.display}:{line}: reviewed: {reviewed} is more than a year ago; "
                    "check the page against its sources again"
                )
    return warnings


def _unsourced_numbers(rec: dict, by_id: dict[str, str]) -> list[str]:
    """Numbers in the body that none of the page's sources contains (provenance)."""
    doc = rec["_doc"]
    texts = [by_id[s] for s in rec["sources"] if s in by_id]
    found = []
    for n, line in enumerate(doc.body.split("\n")):
        text = strip_tags(re.sub(r"\]\([^)]*\)", "]", line))  # not inside link targets
        for number in NUMBER.findall(text):
            if not any(number in t for t in texts):
                found.append(
                    f"{doc.display}:{doc.body_line + n}: body: the number {number} appears in "
                    "none of this page's sources"
                )
    return found


def _unused_terms(content: ContentSet) -> list[str]:
    """Glossary terms that no program or FAQ page links to or lists as related."""
    used = set()
    for records in (content.programs, content.faq, content.pages):
        for rec in records.values():
            used |= {slug for kind, slug in rec["_links"] if kind == "term"}
    for rec in content.glossary.values():
        used |= {slug for kind, slug in rec["_links"] if kind == "term" and slug != rec["slug"]}
    return [
        f"{rec['_doc'].display}:1: term: no page uses '{rec['term']}'"
        for slug, rec in sorted(content.glossary.items())
        if slug not in used
    ]
