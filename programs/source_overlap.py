"""Sentences of ours that are a source sentence with a few words changed.

The style guide asks for a source's words either quoted or rewritten. A sentence is flagged when
most of its words (OVERLAP, 80 %) appear in the same order in one source sentence: the measure is
the longest common subsequence of words (RapidFuzz's LCSseq, already used for search), divided by
the length of our sentence. Word order matters because a rewrite reorders and re-chooses words,
while a light edit keeps the source's sequence; a set-of-words measure would also flag honest
rewrites that must reuse the unit's name and figures. Only lower-case words count (see `words`),
and sentences with fewer than MIN_WORDS of them are skipped: short ones cannot avoid the source's
words. Text inside quotation
marks and block quotes is ours to copy, so it is left out before measuring.
"""

import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import LCSseq

OVERLAP = 0.8
MIN_WORDS = 8

QUOTED = re.compile('"[^"\\n]*"|\u201c[^\u201d\\n]*\u201d')
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+|\n+|\s+•\s+")
WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][a-z]+)?")


def words(text: str) -> list[str]:
    """The lower-case words: names, acronyms and figures are the source's by necessity, so only
    the words around them count towards copying."""
    return [w for w in WORD.findall(text) if w[0].islower()]


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text) if s.strip()]


@dataclass(frozen=True)
class Overlap:
    line_offset: int  # line within the text measured
    shared: int
    total: int
    source_id: str
    source_sentence: str


class SourceSentences:
    """Every sentence of every source, each encoded as a string of one character per word, so
    that RapidFuzz compares word sequences at C speed."""

    def __init__(self, sources: dict[str, str]):
        self.vocabulary: dict[str, str] = {}
        self.encoded: list[str] = []
        self.origin: list[tuple[str, str]] = []
        for source_id, text in sources.items():
            for sentence in sentences(text):
                if len(words(sentence)) >= MIN_WORDS // 2:
                    self.encoded.append(self.encode(words(sentence)))
                    self.origin.append((source_id, sentence.strip()))

    def encode(self, sentence_words: list[str]) -> str:
        # Code points from U+0100 up, well below the surrogates for any realistic vocabulary.
        return "".join(
            self.vocabulary.setdefault(w, chr(0x100 + len(self.vocabulary))) for w in sentence_words
        )

    def overlaps(self, text: str) -> list[Overlap]:
        """Sentences of `text` (outside quotes) that are mostly a source sentence, in order."""
        found = []
        for offset, line in enumerate(text.split("\n")):
            if line.lstrip().startswith(">"):
                continue
            line = QUOTED.sub(" ", LINK.sub(r"\1", line))
            for sentence in sentences(line):
                ours = words(sentence)
                if len(ours) < MIN_WORDS:
                    continue
                best = process.extractOne(
                    self.encode(ours), self.encoded, scorer=LCSseq.similarity, processor=None
                )
                if best and best[1] >= OVERLAP * len(ours):
                    source_id, source_sentence = self.origin[best[2]]
                    found.append(Overlap(offset, best[1], len(ours), source_id, source_sentence))
        return found


def overlap_warnings(content) -> list[str]:
    """Warnings for summaries and bodies of every page that copy a source sentence."""
    index = SourceSentences({r["source_id"]: r["text"] for r in content.sources.values()})
    warnings = []
    for records in (content.programs, content.faq, content.glossary, content.pages):
        for rec in records.values():
            doc = rec["_doc"]
            texts = [(doc.body_line, "body", rec["body"])]
            if rec.get("summary"):
                texts.append((doc.line("summary"), "summary", rec["summary"]))
            for first_line, field, text in texts:
                for o in index.overlaps(text):
                    excerpt = " ".join(o.source_sentence.split()[:8])
                    warnings.append(
                        f"{doc.display}:{first_line + o.line_offset}: {field}: a sentence "
                        f"shares {o.shared} of its {o.total} words, in order, with source "
                        f'"{o.source_id}" ("{excerpt} ..."): quote it or say it in your own words'
                    )
    return warnings
