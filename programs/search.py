"""Ranking for the glossary search, and the word index the site search builds on
(programs.site_search).

Both work from in-memory word indexes built once per content version (a load or an admin save
changes the version), so a query costs dictionary look-ups and one fuzzy scan of the vocabulary,
not a pass over every record. Misspellings are matched with RapidFuzz's edit distance.

Each language has its own glossary index. Spanish words are stemmed and stop words left out
(programs.spanish); each index also holds every entry's names in the other language, so a
Spanish query typed on an English page finds the entry, and the page can say which Spanish name
matched (`other_language_match`). Where a query has accents, entries that carry the word with
exactly those accents rank first within their tier.
"""

import bisect
import gc
import heapq
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils import translation
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .markdown import plain_text
from .models import ContentVersion, GlossaryTerm, Translation, original_text
from .spanish import spanish_words
from .words import compact, fold, words

MAX_QUERY = 200
FUZZY_MIN_LENGTH = 5  # misspellings are looked for only in words this long
FUZZY_MAX_EDITS = 2

# Glossary tiers, best first. OTHER_LANGUAGE: a name in the other language (Spanish on an
# English page, English on a Spanish one).
EXACT, NAME_PREFIX, ALSO_KNOWN_AS, OTHER_LANGUAGE, MISSPELLING, DEFINITION = range(6)
# Site search tiers, best first.
TITLE, ACRONYM_OR_ALIAS, SUMMARY, BODY = range(4)


# How each language's text is cut into glossary search words.
ANALYZERS = {"en": words, "es": spanish_words}
OTHER = {"en": "es", "es": "en"}
ACCENT_RERANK = 100  # how many of the best results an exact accent may reorder


def exact_accents_first(ranked: list[tuple[int, int]], query: str, texts) -> list:
    """Within a tier, entries whose text has the query's accented words exactly as typed come
    first ("detención" before an entry that only has "detencion"). `texts(doc)` is the
    entry's casefolded text."""
    wanted = [w for w in query.casefold().split() if w != fold(w)]
    if not wanted:
        return ranked
    head = sorted(
        ranked[:ACCENT_RERANK],
        key=lambda item: (item[1], not all(w in texts(item[0]) for w in wanted)),
    )
    return head + ranked[ACCENT_RERANK:]


def clean_query(raw: str | None) -> str:
    """The query as we use and show it: at most 200 characters, no control characters."""
    text = (raw or "")[:MAX_QUERY]
    text = "".join(c for c in text if unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co"})
    return " ".join(text.split())


class WordIndex:
    """Which documents contain a word, or a word starting with a prefix, in which tier."""

    def __init__(self, min_prefix: int = 1, analyze=words):
        # Query words shorter than this match whole words only: "a" or "g" as a prefix would
        # match most of the vocabulary and rank nothing.
        self.min_prefix = min_prefix
        self.analyze = analyze  # text -> search words, the same for documents and queries
        self.postings: dict[str, dict[int, int]] = defaultdict(dict)
        self.vocabulary: list[str] = []
        self.fuzzy_vocabulary: list[str] = []  # words long enough to be misspelt

    def add(self, doc: int, tier: int, text: str) -> None:
        for word in self.analyze(text):
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
        if not matched:
            return {}
        # The first word's postings are copied whole (in C); only the others are merged one
        # document at a time: a common word alone can match thousands of documents.
        found = dict(self.postings[matched[0]])
        for word in matched[1:]:
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
    other_names: list[str] = field(default_factory=list)  # in the other language
    accented: str = ""  # its names, casefolded with their accents, for exact_accents_first
    url: str = ""  # its page in the index's language, reversed once and not per result shown


@dataclass
class GlossaryIndex:
    entries: list[TermEntry]
    exact: dict[str, set[int]]
    names: WordIndex
    aliases: WordIndex
    definitions: WordIndex
    folded_terms: list[str]  # each entry's name, folded, for "closest terms" suggestions
    translated: WordIndex = field(default_factory=WordIndex)  # names in the other language


def build_glossary_index(entries: list[TermEntry], language: str = "en") -> GlossaryIndex:
    # In alphabetical order, so a document's number is its tie-breaking rank.
    entries = sorted(entries, key=lambda e: fold(e.term))
    exact: dict[str, set[int]] = defaultdict(set)
    analyze = ANALYZERS[language]
    names, aliases = WordIndex(analyze=analyze), WordIndex(analyze=analyze)
    definitions = WordIndex(min_prefix=3, analyze=analyze)
    translated = WordIndex(analyze=ANALYZERS[OTHER[language]])
    for i, entry in enumerate(entries):
        entry.accented = " ".join([entry.term, *entry.also_known_as]).casefold()
        for name in entry.other_names:
            translated.add(i, OTHER_LANGUAGE, name)
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
    for index in (names, aliases, definitions, translated):
        index.freeze()
    folded = [fold(e.term) for e in entries]
    return GlossaryIndex(entries, dict(exact), names, aliases, definitions, folded, translated)


def _by_tier_then_rank(tiers: dict[int, int], limit: int | None) -> list[tuple[int, int]]:
    """The best `limit` (or all) (doc, tier), best tier first, then by document number
    (alphabetical). One integer per document keeps this fast for tens of thousands of matches,
    and only the ones kept are decoded."""
    width = max(tiers, default=0) + 1
    keys = [t * width + d for d, t in tiers.items()]
    chosen = sorted(keys) if limit is None else heapq.nsmallest(limit, keys)
    return [divmod(key, width)[::-1] for key in chosen]


def rank_terms(
    query: str, index: GlossaryIndex, definitions: bool = True
) -> list[tuple[TermEntry, int]]:
    """Every matching entry with its tier, best first; ties in alphabetical order.

    `definitions=False` skips the last tier, for callers that only want what names match.
    """
    return best_terms(query, index, None, definitions)[0]


def best_terms(
    query: str, index: GlossaryIndex, limit: int | None, definitions: bool = True
) -> tuple[list[tuple[TermEntry, int]], int]:
    """The best `limit` matching entries (all for None), ranked as `rank_terms` ranks them,
    and how many entries match in all."""
    key = compact(query)
    if not key:
        return [], 0
    tiers: dict[int, int] = {}

    def offer(found: dict[int, int] | set[int], tier: int | None = None) -> None:
        items = found.items() if isinstance(found, dict) else ((d, tier) for d in found)
        for doc, t in items:
            if t < tiers.get(doc, 99):
                tiers[doc] = t

    offer(index.exact.get(key, set()), EXACT)
    fuzzy: dict[int, int] = {}
    for words_index in (index.names, index.aliases):
        query_words = words_index.analyze(query)
        offer(words_index.match_all(query_words))
        fuzzy.update(words_index.match_all(query_words, fuzzy=True))
    # Names in the other language match as typed or by the start of a word, not misspelt: a
    # second fuzzy scan, of a second vocabulary, would double the cost of every query.
    offer(index.translated.match_all(index.translated.analyze(query)))
    offer(dict.fromkeys(fuzzy, MISSPELLING))
    if definitions:
        # The worst tier, so any tier already found wins; merged as one dict operation, since
        # a common word is in thousands of definitions.
        found = index.definitions.match_all(index.definitions.analyze(query))
        tiers = dict.fromkeys(found, DEFINITION) | tiers
    ranked = exact_accents_first(
        _by_tier_then_rank(tiers, limit), query, lambda doc: index.entries[doc].accented
    )
    return [(index.entries[doc], tier) for doc, tier in ranked], len(tiers)


def other_language_match(entry: TermEntry, query: str, index: GlossaryIndex) -> str | None:
    """The name in the other language that a query matched, to show why an entry was found."""
    query_words = index.translated.analyze(query)
    if not query_words:
        return None
    for name in entry.other_names:
        name_words = index.translated.analyze(name)
        if all(any(w.startswith(q) for w in name_words) for q in query_words):
            return name
    return None


def closest_terms(query: str, index: GlossaryIndex, limit: int = 5) -> list[TermEntry]:
    """When nothing matches: the entries whose names look most like the query."""
    best = process.extract(fold(query), index.folded_terms, scorer=fuzz.ratio, limit=limit)
    return [index.entries[i] for _, score, i in best if score > 0]


def glossary_index(language: str = "en") -> GlossaryIndex:
    return _glossary_index(ContentVersion.current(), language)


def _frozen(index):
    """Keep a large, long-lived index out of the garbage collector's full scans, which would
    otherwise pause requests for tens of milliseconds as the index grows. Unfreezing first lets
    indexes of older content versions, no longer cached, be collected."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return index


def spanish_rows(kind: str) -> dict[str, Translation]:
    """The Spanish translations of one kind of record, by slug."""
    return {t.slug: t for t in Translation.objects.filter(language="es", kind=kind)}


def translated_names(row: Translation | None, name: str, others: str = "") -> list[str]:
    """A translation's name (its title, term or question) and its list of other names."""
    if row is None:
        return []
    return [row.fields[name], *row.fields.get(others, [])]


@lru_cache(maxsize=4)
def _glossary_index(version: int, language: str = "en") -> GlossaryIndex:
    with original_text():
        rows = list(GlossaryTerm.objects.prefetch_related("related").order_by("term"))
        spanish = spanish_rows("term")
    entries = []
    for t in rows:
        es = spanish.get(t.slug)
        related = [p.slug for p in t.related.all()]
        if language == "en":
            definition, spanish_names = (
                plain_text(t.body_html),
                translated_names(es, "term", "aliases"),
            )
            entries.append(
                TermEntry(
                    t.slug,
                    t.term,
                    list(t.acronyms),
                    list(t.also_known_as),
                    definition,
                    related,
                    spanish_names,
                )
            )
        elif es is not None:  # a page not yet translated is not in the Spanish search
            entries.append(
                TermEntry(
                    t.slug,
                    es.fields["term"],
                    list(t.acronyms),
                    es.fields.get("aliases", []),
                    plain_text(es.body_html),
                    related,
                    [t.term, *t.also_known_as],
                )
            )
    with translation.override(language):
        for entry in entries:
            entry.url = GlossaryTerm(slug=entry.slug).get_absolute_url()
    return _frozen(build_glossary_index(entries, language))
