"""Ranking for the glossary search and the site search.

Both work from in-memory word indexes built once per content version (a load or an admin save
changes the version), so a query costs dictionary look-ups and one fuzzy scan of the vocabulary,
not a pass over every record. Misspellings are matched with RapidFuzz's edit distance.

Each language has its own indexes. Spanish words are stemmed and stop words left out
(programs.spanish); each index also holds every entry's names in the other language, so a
Spanish query typed on an English page finds the entry, and the page can say which Spanish name
matched (`other_language_match`). Where a query has accents, entries that carry the word with
exactly those accents rank first within their tier.
"""

import bisect
import gc
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils import translation
from django.utils.html import escape
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .markdown import plain_text
from .models import ContentVersion, GlossaryTerm, Program, Question, Translation, original_text
from .spanish import spanish_words

MAX_QUERY = 200
FUZZY_MIN_LENGTH = 5  # misspellings are looked for only in words this long
FUZZY_MAX_EDITS = 2

# Glossary tiers, best first. OTHER_LANGUAGE: a name in the other language (Spanish on an
# English page, English on a Spanish one).
EXACT, NAME_PREFIX, ALSO_KNOWN_AS, OTHER_LANGUAGE, MISSPELLING, DEFINITION = range(6)
# Site search tiers, best first.
TITLE, ACRONYM_OR_ALIAS, SUMMARY, BODY = range(4)

_WORD = re.compile(r"[0-9a-z]+")


def clean_query(raw: str | None) -> str:
    """The query as we use and show it: at most 200 characters, no control characters."""
    text = (raw or "")[:MAX_QUERY]
    text = "".join(c for c in text if unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co"})
    return " ".join(text.split())


def fold(text: str) -> str:
    """Lower case without accents, so 'Guzmán' matches 'guzman' and 'CAP' matches 'cap'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def compact(text: str) -> str:
    """Letters and digits only: '287 (g)', '287g' and '287(g)' all become '287g'."""
    return "".join(words(text))


# How each language's text is cut into search words.
ANALYZERS = {"en": words, "es": spanish_words}
OTHER = {"en": "es", "es": "en"}
ACCENT_RERANK = 100  # how many of the best results an exact accent may reorder


def exact_accents_first(ranked: list[tuple[int, int]], query: str, texts) -> list:
    """Within a tier, entries whose text has the query's accented words exactly as typed come
    first ("detención" before an entry that only has "detencion"). `texts[doc]` is the
    entry's casefolded text."""
    wanted = [w for w in query.casefold().split() if w != fold(w)]
    if not wanted:
        return ranked
    head = sorted(
        ranked[:ACCENT_RERANK],
        key=lambda item: (item[1], not all(w in texts(item[0]) for w in wanted)),
    )
    return head + ranked[ACCENT_RERANK:]


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

    def prefixed(self, prefix: str) -> dict[int, int]:
        """Documents with a word starting with `prefix`, each with its best tier."""
        if len(prefix) < self.min_prefix:
            return self.postings.get(prefix, {})
        found: dict[int, int] = {}
        start = bisect.bisect_left(self.vocabulary, prefix)
        for word in self.vocabulary[start:]:
            if not word.startswith(prefix):
                break
            for doc, tier in self.postings[word].items():
                if tier < found.get(doc, 99):
                    found[doc] = tier
        return found

    def near(self, word: str) -> dict[int, int]:
        """Documents with a word at most two edits from `word` (for words of 5+ letters)."""
        if len(word) < FUZZY_MIN_LENGTH:
            return {}
        matches = process.extract(
            word,
            self.fuzzy_vocabulary,
            scorer=Levenshtein.distance,
            score_cutoff=FUZZY_MAX_EDITS,
            limit=None,
        )
        found: dict[int, int] = {}
        for candidate, _distance, _ in matches:
            for doc, tier in self.postings[candidate].items():
                found[doc] = min(tier, found.get(doc, 99))
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
    key = compact(query)
    if not key:
        return []
    tiers: dict[int, int] = {}

    def offer(found: dict[int, int] | set[int], tier: int | None = None) -> None:
        items = found.items() if isinstance(found, dict) else ((d, tier) for d in found)
        for doc, t in items:
            if t < tiers.get(doc, 99):
                tiers[doc] = t

    offer(index.exact.get(key, set()), EXACT)
    name_indexes = (index.names, index.aliases, index.translated)
    fuzzy: dict[int, int] = {}
    for words_index in name_indexes:
        query_words = words_index.analyze(query)
        offer(words_index.match_all(query_words))
        fuzzy.update(words_index.match_all(query_words, fuzzy=True))
    offer(dict.fromkeys(fuzzy, MISSPELLING))
    if definitions:
        offer(index.definitions.match_all(index.definitions.analyze(query)))
    ranked = exact_accents_first(
        _by_tier_then_rank(tiers), query, lambda doc: index.entries[doc].accented
    )
    return [(index.entries[doc], tier) for doc, tier in ranked]


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


def _spanish(kind: str) -> dict[str, Translation]:
    return {t.slug: t for t in Translation.objects.filter(language="es", kind=kind)}


def _names(row: Translation | None, name: str, others: str = "") -> list[str]:
    """A translation's name (its title, term or question) and its list of other names."""
    if row is None:
        return []
    return [row.fields[name], *row.fields.get(others, [])]


@lru_cache(maxsize=4)
def _glossary_index(version: int, language: str) -> GlossaryIndex:
    with original_text():
        rows = list(GlossaryTerm.objects.prefetch_related("related").order_by("term"))
        spanish = _spanish("term")
    entries = []
    for t in rows:
        english_names = [t.term, *t.also_known_as]
        es = spanish.get(t.slug)
        related = [p.slug for p in t.related.all()]
        if language == "en":
            entries.append(
                TermEntry(
                    t.slug,
                    t.term,
                    list(t.acronyms),
                    list(t.also_known_as),
                    plain_text(t.body_html),
                    related,
                    _names(es, "term", "aliases"),
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
                    english_names,
                )
            )
    return _frozen(build_glossary_index(entries, language))


# --- Site search -----------------------------------------------------------------------------
@dataclass
class Item:
    kind: str  # Program.KIND, GlossaryTerm.KIND or Question.KIND
    slug: str
    title: str
    url: str
    summary: str
    body: str


@dataclass
class SiteIndex:
    items: list[Item]
    words: WordIndex
    by_key: dict[tuple[str, str], int]
    translated: WordIndex = field(default_factory=WordIndex)  # names in the other language
    accented: list[str] = field(default_factory=list)  # each title, casefolded


def build_site_index(
    items: list[Item],
    aliases: dict[int, list[str]],
    language: str = "en",
    other_names: dict[int, list[str]] | None = None,
) -> SiteIndex:
    """`aliases` maps an item's position in `items` to its acronyms and other names;
    `other_names`, to its names in the other language."""
    # In alphabetical order, so a document's number is its tie-breaking rank.
    order = sorted(range(len(items)), key=lambda i: fold(items[i].title))
    aliases = {new: aliases.get(old, []) for new, old in enumerate(order)}
    other_names = {new: (other_names or {}).get(old, []) for new, old in enumerate(order)}
    items = [items[i] for i in order]
    index = WordIndex(min_prefix=3, analyze=ANALYZERS[language])
    translated = WordIndex(min_prefix=3, analyze=ANALYZERS[OTHER[language]])
    for i, item in enumerate(items):
        index.add(i, TITLE, item.title)
        for alias in aliases.get(i, []):
            index.add(i, ACRONYM_OR_ALIAS, alias)
        for name in other_names.get(i, []):
            translated.add(i, ACRONYM_OR_ALIAS, name)
        index.add(i, SUMMARY, item.summary)
        index.add(i, BODY, item.body)
    index.freeze()
    translated.freeze()
    by_key = {(it.kind, it.slug): i for i, it in enumerate(items)}
    accented = [it.title.casefold() for it in items]
    return SiteIndex(items, index, by_key, translated, accented)


def site_index(language: str = "en") -> SiteIndex:
    return _site_index(ContentVersion.current(), language)


def _display_title(title: str, acronym: str) -> str:
    return title if not acronym or acronym in title else f"{title} ({acronym})"


@dataclass
class _Entry:
    """One item of the site index, with its names in its own and in the other language."""

    item: Item
    aliases: list[str]
    other_names: list[str]


def _program_entry(p: Program, es: Translation | None, language: str) -> _Entry | None:
    english_names = [n["name"] for n in p.other_names]
    url, body = p.get_absolute_url(), plain_text(p.body_html)
    if language == "en":
        item = Item(Program.KIND, p.slug, str(p), url, p.summary, body)
        return _Entry(item, [p.acronym, *english_names], _names(es, "title", "names"))
    if es is None:
        return None
    title = _display_title(es.fields["title"], p.acronym)
    item = Item(Program.KIND, p.slug, title, url, es.fields["summary"], plain_text(es.body_html))
    return _Entry(item, [p.acronym, *es.fields.get("names", [])], [p.title, *english_names])


def _term_entry(t: GlossaryTerm, es: Translation | None, language: str) -> _Entry | None:
    if language == "en":
        item = Item(
            GlossaryTerm.KIND, t.slug, t.term, t.get_absolute_url(), plain_text(t.body_html), ""
        )
        return _Entry(item, [*t.acronyms, *t.also_known_as], _names(es, "term", "aliases"))
    if es is None:
        return None
    definition = plain_text(es.body_html)
    item = Item(GlossaryTerm.KIND, t.slug, es.fields["term"], t.get_absolute_url(), definition, "")
    aliases = [*t.acronyms, *es.fields.get("aliases", [])]
    return _Entry(item, aliases, [t.term, *t.also_known_as])


def _question_entry(q: Question, es: Translation | None, language: str) -> _Entry | None:
    if language == "en":
        answer = plain_text(q.body_html)
        item = Item(Question.KIND, q.slug, q.question, q.get_absolute_url(), "", answer)
        return _Entry(item, [], _names(es, "question"))
    if es is None:
        return None
    answer = plain_text(es.body_html)
    item = Item(Question.KIND, q.slug, es.fields["question"], q.get_absolute_url(), "", answer)
    return _Entry(item, [], [q.question])


@lru_cache(maxsize=4)
def _site_index(version: int, language: str) -> SiteIndex:
    """Programs, terms and questions in `language`; in Spanish, only those translated (a page
    not yet translated is not in the Spanish search)."""
    with original_text(), translation.override(language):
        programs = Program.objects.only(
            "slug", "title", "acronym", "other_names", "summary", "body_html"
        )
        terms = GlossaryTerm.objects.only("slug", "term", "acronyms", "also_known_as", "body_html")
        questions = Question.objects.only("slug", "question", "body_html")
        entries = []
        for rows, kind, make in (
            (programs, "program", _program_entry),
            (terms, "term", _term_entry),
            (questions, "question", _question_entry),
        ):
            spanish = _spanish(kind)
            entries += [make(row, spanish.get(row.slug), language) for row in rows]
    entries = [e for e in entries if e is not None]
    aliases = {i: e.aliases for i, e in enumerate(entries)}
    other_names = {i: e.other_names for i, e in enumerate(entries)}
    items = [e.item for e in entries]
    return _frozen(build_site_index(items, aliases, language, other_names))


EXPANDING_TIERS = {EXACT, ALSO_KNOWN_AS, OTHER_LANGUAGE, MISSPELLING}
MAX_EXPANSIONS = 5


def rank_site(query: str, index: SiteIndex, glossary: GlossaryIndex) -> list[tuple[Item, int]]:
    """Programs, terms and questions matching the query, best first.

    The glossary feeds it: a query the glossary recognises (an acronym, an older name, a
    misspelling) also finds the pages related to that term, ranked like an acronym match.
    """
    tiers = dict(index.words.match_all(index.words.analyze(query)))
    for doc, t in index.translated.match_all(index.translated.analyze(query)).items():
        tiers[doc] = min(tiers.get(doc, 99), max(t, ACRONYM_OR_ALIAS))
    # Only what the glossary knows that the words alone would miss: an acronym, an older
    # name, a misspelling. A few best entries are enough.
    named = rank_terms(query, glossary, definitions=False)
    known = [e for e, t in named if t in EXPANDING_TIERS][:MAX_EXPANSIONS]
    analyze = index.words.analyze
    for entry in known:
        targets = [("term", entry.slug)] + [("program", slug) for slug in entry.related]
        for key in targets:
            doc = index.by_key.get(key)
            if doc is not None:
                tiers[doc] = min(tiers.get(doc, 99), ACRONYM_OR_ALIAS)
        # Pages that use the term's full name rank as if the query had named it, one tier
        # below a title match at best.
        for doc, t in index.words.match_all(analyze(entry.term), whole_words=True).items():
            tiers[doc] = min(tiers.get(doc, 99), max(t, ACRONYM_OR_ALIAS))
    ranked = exact_accents_first(_by_tier_then_rank(tiers), query, index.accented.__getitem__)
    return [(index.items[doc], tier) for doc, tier in ranked]


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """Folding a long body costs more than the rest of a result: results recur, so keep it."""
    return fold(text)


def highlight(text: str, query: str, width: int = 180, language: str = "en") -> str:
    """A short extract around the first matching word, escaped, with matches in <mark>."""
    prefixes = [re.escape(w) for w in ANALYZERS[language](query) if w]
    folded = _folded(text)
    # Words that start with a query word, found by one regular expression in the extract only:
    # bodies are long and only a few words of them are shown.
    matching = re.compile(rf"(?<![0-9a-z])(?:{'|'.join(prefixes)})[0-9a-z]*") if prefixes else None
    # Folding can change lengths (rare ligatures); fall back to an unmarked extract then.
    first = matching.search(folded) if matching and len(folded) == len(text) else None
    start = max(0, first.start() - width // 3) if first else 0
    end = min(len(text), start + width)
    spans = [m.span() for m in matching.finditer(folded, start, end)] if first else []
    pieces, cursor = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        pieces.append(escape(text[cursor:s]))
        pieces.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    pieces.append(escape(text[cursor:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(pieces) + suffix
