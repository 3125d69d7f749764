"""Things worth an editor's look that do not stop a load: `check_content` prints them."""

import datetime
import re

from django.utils.html import strip_tags

from .captures import key_label
from .content import ContentSet
from .content_files import NUMBER, normalize_space
from .readability import readability_warnings
from .source_overlap import overlap_warnings
from .spanish_readability import readability_warnings as spanish_readability_warnings
from .translations import translation_warnings

STALE_AFTER = datetime.timedelta(days=365)


def content_warnings(content: ContentSet, today: datetime.date | None = None) -> list[str]:
    today = today or datetime.date.today()
    # A number is sourced if any capture of a cited source gives it (a pinned fact's does).
    by_id = {
        rec["source_id"]: "\n".join(normalize_space(text) for _key, text in rec["_captures"])
        for rec in content.sources.values()
    }
    warnings = []
    for records in (content.programs, content.faq):
        for rec in records.values():
            warnings += _unsourced_numbers(rec, by_id)
    warnings += _pins_no_longer_needed(content)
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


def _pins_no_longer_needed(content: ContentSet) -> list[str]:
    """Quotes pinned to an earlier capture that the newest capture gives word for word."""
    newest = {rec["source_id"]: rec["_normalized"] for rec in content.sources.values()}
    found = []

    def check(doc, key: tuple, name: str, sid: str, quote: str, pin: str) -> None:
        if pin and sid in newest and normalize_space(quote) in newest[sid]:
            found.append(
                f"{doc.display}:{doc.line(*key)}: {name}: pinned to {key_label(pin)}, but the "
                f'newest capture of source "{sid}" says the same: the pin can go'
            )

    for rec in content.programs.values():
        for i, fact in enumerate(rec["facts"]):
            check(rec["_doc"], ("facts", i, "capture"), f"facts[{i}].capture", fact["source"],
                  fact["quote"], fact["capture"])  # fmt: skip
    for rec in content.glossary.values():
        check(rec["_doc"], ("quote", "capture"), "quote.capture", rec["quote_source"] or "",
              rec["quote_text"], rec["quote_capture"])  # fmt: skip
    for rec in content.faq.values():
        for i, item in enumerate(rec["source_quotes"]):
            check(rec["_doc"], ("sources", i, "capture"), f"sources[{i}].capture", item["id"],
                  item["quote"], item.get("capture", ""))  # fmt: skip
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
