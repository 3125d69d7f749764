"""Ranking for the glossary search, and the word index the site search builds on
(programs.site_search).

Both work from in-memory word indexes built once per content version (a load or an admin save
changes the version), so a query costs dictionary look-ups and one fuzzy scan of the vocabulary,
not a pass over every record. Misspellings are matched with RapidFuzz's edit distance.
"""

import bisect
import gc
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .markdown import plain_text
from .models import ContentVersion, GlossaryTerm
from .words import compact, fold, words

MAX_QUERY = 200
FUZZY_MIN_LENGTH = 5  # misspellings are looked for only in words this long
FUZZY_MAX_EDITS = 2

# Glossary tiers, best first.
EXACT, NAME_PREFIX, ALSO_KNOWN_AS, MISSPELLING, DEFINITION = range(5)
# Site search tiers, best first.
TITLE, ACRONYM_OR_ALIAS, SUMMARY, BODY = range(4)


def clean_query(raw: str | None) -> str:
    """The query as we use and show it: at most 200 characters, no control characters."""
    text = (raw or "")[:MAX_QUERY]
    text = "".join(c for c in text if unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co"})
    return " ".join(text.split())


class WordIndex:
    """Which documents contain a word, or a word starting with a prefix, in which tier."""

    def __init__(self, min_prefix: int = 1):
        # Query words shorter than this match whole words only: "a" or "g" as a prefix would
        # match most of the vocabulary and rank nothing.
        self.min_prefix = min_prefix
        self.postings: dict[str, dict[int, int]] = defaultdict(dict)
        self.vocabulary: list[str] = []
        self.fuzzy_vocabulary: list[str] = []  # words long enough to be misspelt

    def add(self, doc: int, tier: int, text: str) -> None:
        for word in words(text):
            best = self.postings[word].get(doc)
            if best is None or tier < best:
                self.postings[word][doc] = tier

    def freeze(self) -> None:
        self.vocabulary = sorted(self.postings)
        self.fuzzy_vocabulary = [
            w for w in self.vocabulary if len(w) >= FUZZY_MIN_LENGTH and not w.isdigit()
        ]

    def words_starting(self, prefix: str) -> list[str]:
        start = bisect.bisect_left(self.vocabulary, prefix)
        found = []
        for word in self.vocabulary[start:]:
            if not word.startswith(prefix):
                break
            found.append(word)
        return found

    def prefixed(self, prefix: str) -> dict[int, int]:
        """Documents with a word starting with `prefix`, each with its best tier."""
        if len(prefix) < self.min_prefix:
            return self.postings.get(prefix, {})
        return self._best_tiers(self.words_starting(prefix))

    def words_near(self, word: str, max_edits: int = FUZZY_MAX_EDITS) -> list[str]:
        """Words at most `max_edits` from `word` (for words of 5+ letters)."""
        if len(word) < FUZZY_MIN_LENGTH:
            return []
        matches = process.extract(
            word,
            self.fuzzy_vocabulary,
            scorer=Levenshtein.distance,
            score_cutoff=max_edits,
            limit=None,
        )
        return [candidate for candidate, _distance, _ in matches]

    def near(self, word: str) -> dict[int, int]:
        """Documents with a word at most two edits from `word` (for words of 5+ letters)."""
        return self._best_tiers(self.words_near(word))

    def _best_tiers(self, matched: list[str]) -> dict[int, int]:
        found: dict[int, int] = {}
        for word in matched:
            for doc, tier in self.postings[word].items():
                if tier < found.get(doc, 99):
                    found[doc] = tier
        return found

    def match_all(
        self, query_words: list[str], fuzzy: bool = False, whole_words: bool = False
    ) -> dict[int, int]:
        """Documents where every query word matches; tier = the worst of the words' tiers.

        Words match as prefixes, or whole (`whole_words`), or within two edits (`fuzzy`,
        for words of five letters or more; shorter ones still match as prefixes).
        """
        if not query_words:
            return {}
        hit_sets = []
        for word in query_words:
            if whole_words:
                hits = self.postings.get(word, {})
            elif fuzzy and len(word) >= FUZZY_MIN_LENGTH:
                hits = self.near(word)
            else:
                hits = self.prefixed(word)
            if not hits:
                return {}
            hit_sets.append(hits)
        # Intersect from the rarest word, so the work is the size of the smallest set.
        hit_sets.sort(key=len)
        result = dict(hit_sets[0])
        for hits in hit_sets[1:]:
            result = {d: max(t, hits[d]) for d, t in result.items() if d in hits}
            if not result:
                break
        return result


# --- Glossary --------------------------------------------------------------------------------
@dataclass
class TermEntry:
    slug: str
    term: str
    acronyms: list[str]
    also_known_as: list[str]
    definition: str
    related: list[str] = field(default_factory=list)


@dataclass
class GlossaryIndex:
    entries: list[TermEntry]
    exact: dict[str, set[int]]
    names: WordIndex
    aliases: WordIndex
    definitions: WordIndex
    folded_terms: list[str]  # each entry's name, folded, for "closest terms" suggestions


def build_glossary_index(entries: list[TermEntry]) -> GlossaryIndex:
    # In alphabetical order, so a document's number is its tie-breaking rank.
    entries = sorted(entries, key=lambda e: fold(e.term))
    exact: dict[str, set[int]] = defaultdict(set)
    names, aliases, definitions = WordIndex(), WordIndex(), WordIndex(min_prefix=3)
    for i, entry in enumerate(entries):
        exact[compact(entry.term)].add(i)
        for acronym in entry.acronyms:
            key = compact(acronym)
            exact[key].add(i)
            # 'FOT' finds 'FOTs' and 'FOTs' finds 'FOT'.
            exact[key[:-1] if key.endswith("s") else key + "s"].add(i)
        names.add(i, NAME_PREFIX, entry.term)
        for alias in entry.also_known_as:
            aliases.add(i, ALSO_KNOWN_AS, alias)
            # An older or variant name typed in full is as good as the name itself.
            exact[compact(alias)].add(i)
        definitions.add(i, DEFINITION, entry.definition)
    for index in (names, aliases, definitions):
        index.freeze()
    folded = [fold(e.term) for e in entries]
    return GlossaryIndex(entries, dict(exact), names, aliases, definitions, folded)


def _by_tier_then_rank(tiers: dict[int, int]) -> list[tuple[int, int]]:
    """(doc, tier) best tier first, then by document number (alphabetical). Sorting one integer
    per document keeps this fast for tens of thousands of matches."""
    width = max(tiers, default=0) + 1
    return [divmod(key, width)[::-1] for key in sorted(t * width + d for d, t in tiers.items())]


def rank_terms(
    query: str, index: GlossaryIndex, definitions: bool = True
) -> list[tuple[TermEntry, int]]:
    """Every matching entry with its tier, best first; ties in alphabetical order.

    `definitions=False` skips the last tier, for callers that only want what names match.
    """
    key, query_words = compact(query), words(query)
    if not key:
        return []
    tiers: dict[int, int] = {}

    def offer(found: dict[int, int] | set[int], tier: int | None = None) -> None:
        items = found.items() if isinstance(found, dict) else ((d, tier) for d in found)
        for doc, t in items:
            if t < tiers.get(doc, 99):
                tiers[doc] = t

    offer(index.exact.get(key, set()), EXACT)
    offer(index.names.match_all(query_words))
    offer(index.aliases.match_all(query_words))
    fuzzy = index.names.match_all(query_words, fuzzy=True)
    fuzzy.update(index.aliases.match_all(query_words, fuzzy=True))
    offer(dict.fromkeys(fuzzy, MISSPELLING))
    if definitions:
        offer(index.definitions.match_all(query_words))
    return [(index.entries[doc], tier) for doc, tier in _by_tier_then_rank(tiers)]


def closest_terms(query: str, index: GlossaryIndex, limit: int = 5) -> list[TermEntry]:
    """When nothing matches: the entries whose names look most like the query."""
    best = process.extract(fold(query), index.folded_terms, scorer=fuzz.ratio, limit=limit)
    return [index.entries[i] for _, score, i in best if score > 0]


def glossary_index() -> GlossaryIndex:
    return _glossary_index(ContentVersion.current())


def _frozen(index):
    """Keep a large, long-lived index out of the garbage collector's full scans, which would
    otherwise pause requests for tens of milliseconds as the index grows. Unfreezing first lets
    indexes of older content versions, no longer cached, be collected."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return index


@lru_cache(maxsize=2)
def _glossary_index(version: int) -> GlossaryIndex:
    rows = GlossaryTerm.objects.prefetch_related("related").order_by("term")
    return _frozen(
        build_glossary_index(
            [
                TermEntry(
                    slug=t.slug,
                    term=t.term,
                    acronyms=list(t.acronyms),
                    also_known_as=list(t.also_known_as),
                    definition=plain_text(t.body_html),
                    related=[p.slug for p in t.related.all()],
                )
                for t in rows
            ]
        )
    )
