"""Ranking for the site search: programs, glossary terms, FAQ answers and help entries.

A query is read the way a person asks it. Filler ("where is my", "how do I") is left out, words
are compared by their stems (programs.words), and each remaining word or phrase also finds the
words of its synonym group (content/search/synonyms.yml). A page then ranks by how many of the
query's words it has, and where: in its title, its other names, its summary or its body, its
own words above synonyms. The glossary still feeds it acronyms, older names and misspellings.

Indexes are built once per content version and language, like the glossary's, so a query
costs dictionary look-ups over the postings of its few words. The Spanish index holds the
Spanish text of every translated page, stemmed in Spanish, with Spanish stop words as its filler;
each index also knows every page's names in the other language, so a Spanish query on an English
page (or an English one on a Spanish page) still finds it.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from .markdown import plain_text
from .models import (
    ContentVersion,
    GlossaryTerm,
    Page,
    Program,
    Question,
    SearchVocabulary,
    Translation,
    original_text,
)
from .page_sections import page_sections
from .search import (
    ACRONYM_OR_ALIAS,
    ALSO_KNOWN_AS,
    BODY,
    EXACT,
    FUZZY_MIN_LENGTH,
    MISSPELLING,
    SUMMARY,
    TITLE,
    GlossaryIndex,
    WordIndex,
    _frozen,
    _glossary_index,
    rank_terms,
    spanish_rows,
    translated_names,
)
from .spanish import STOP_WORDS
from .words import WORD_CHARS, compact, fold, phrase_key, stem, words

# What a match is worth, by where it is. A title match outranks any number of body matches of
# the same words; what counts first is how many of the query's words a page has.
WEIGHTS = {TITLE: 8.0, ACRONYM_OR_ALIAS: 6.0, SUMMARY: 3.0, BODY: 1.0}
TITLE_BONUS = 4.0  # shared among a title's words: see build_site_index
EXACT_NAME = WEIGHTS[TITLE]  # added when the whole query is a page's name or acronym
# ... and by how it matches: the word's own forms, the start of a word (still being typed),
# a word of its synonym group, a misspelling of it.
OWN, PREFIX, SYNONYM, NEAR = 1.0, 0.8, 0.6, 0.5
PREFIX_MIN = 3  # shorter query words match whole words only
# Glossary tiers (not the site's) at which the glossary's answer widens the site search.
# (Not OTHER_LANGUAGE: each index already holds every page's names in the other language, and an
# English word read by the Spanish stemmer would widen "deported" but not "deporting".)
EXPANDING_TIERS = {EXACT, ALSO_KNOWN_AS, MISSPELLING}
MAX_EXPANSIONS = 5


# --- Reading a query ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)  # hashed by identity: one per content version
class Vocabulary:
    """content/search/synonyms.yml, by stems: phrase key -> group, filler, topics not covered."""

    groups: dict[tuple[str, ...], int] = field(default_factory=dict)
    members: list[list[tuple[str, ...]]] = field(default_factory=list)
    ignore: frozenset[str] = frozenset()
    not_covered: dict[tuple[str, ...], str] = field(default_factory=dict)
    longest: int = 1  # words in the longest phrase
    language: str = "en"  # whose stemmer reads the query and the pages


def build_vocabulary(
    synonyms: list[list[str]], ignore: list[str], not_covered: list[dict]
) -> Vocabulary:
    groups, members = {}, []
    for number, group in enumerate(synonyms):
        keys = [phrase_key(w) for w in group]
        members.append(keys)
        groups.update(dict.fromkeys(keys, number))
    topics = {phrase_key(w): t["topic"] for t in not_covered for w in t["words"]}
    longest = max((len(k) for k in [*groups, *topics]), default=1)
    ignored = frozenset(stem(w) for w in ignore)
    return Vocabulary(groups, members, ignored, topics, longest)


EMPTY_VOCABULARY = Vocabulary()
# Spanish pages: no synonym groups yet; Spanish stop words are the filler a query drops.
SPANISH_VOCABULARY = Vocabulary(ignore=frozenset(stem(w, "es") for w in STOP_WORDS), language="es")


@dataclass(frozen=True)
class Concept:
    """One thing the query asks about: a word or a phrase, and the other ways to say it."""

    stems: tuple[str, ...]
    text: str  # as typed, folded
    alternatives: tuple[tuple[str, ...], ...] = ()
    exact: bool = False  # matched only in its own forms: no prefix, no misspelling

    @property
    def prefix(self) -> str:
        """A single word may still be being typed: it also matches words it starts."""
        if self.exact or len(self.stems) > 1 or len(self.text) < PREFIX_MIN:
            return ""
        return self.text


@dataclass(frozen=True)
class Reading:
    concepts: tuple[Concept, ...]
    not_covered: tuple[str, ...]  # topics the query names that the sources do not cover


@lru_cache(maxsize=256)  # a results page reads its query once to rank, again for each snippet
def read_query(query: str, vocabulary: Vocabulary) -> Reading:
    """Split a query into concepts: synonym phrases first (longest first), then single words;
    filler dropped, unless the query is nothing but filler."""
    typed = words(query)
    stems = [stem(w, vocabulary.language) for w in typed]
    concepts, filler, topics = [], [], []
    i = 0
    while i < len(typed):
        for n in range(min(vocabulary.longest, len(typed) - i), 0, -1):
            key = tuple(stems[i : i + n])
            if key in vocabulary.not_covered:
                # Searched too (as a phrase, never as a misspelling), in case a page has it.
                topics.append(vocabulary.not_covered[key])
                concepts.append(Concept(key, " ".join(typed[i : i + n]), exact=True))
                break
            if key in vocabulary.groups:
                group = vocabulary.members[vocabulary.groups[key]]
                others = tuple(k for k in group if k != key)
                concepts.append(Concept(key, " ".join(typed[i : i + n]), others))
                break
            if n == 1:
                word = Concept(key, typed[i])
                (filler if key[0] in vocabulary.ignore else concepts).append(word)
        i += n
    return Reading(tuple(_unique(concepts or filler)), tuple(dict.fromkeys(topics)))


def _unique(concepts: list[Concept]) -> list[Concept]:
    """'detained in detention' asks about detention once."""
    return list({c.stems: c for c in concepts}.values())


def not_covered(query: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    return read_query(query, vocabulary).not_covered


# --- The index ---------------------------------------------------------------------------------
@dataclass
class Item:
    kind: str  # "program", "term", "question" or "resource"
    slug: str
    title: str
    url: str
    summary: str
    body: str
    context: str = ""  # searched like the summary, not shown: a help entry's section name

    @property
    def snippet_text(self) -> str:
        return self.summary or self.body

    @cached_property
    def folded_snippet_text(self) -> str:
        """Folded once per item and content version: folding is most of a snippet's cost."""
        return fold(self.snippet_text)


@dataclass
class SiteIndex:
    items: list[Item]
    words: WordIndex  # folded word -> documents, for words still being typed and misspellings
    stems: dict[str, dict[int, float]]  # stem -> {document: weight of its best place}
    by_key: dict[tuple[str, str], int]
    vocabulary: Vocabulary = EMPTY_VOCABULARY
    exact: dict[str, set[int]] = field(default_factory=dict)  # compacted name -> documents
    # A synonym group's other words -> their documents (see _synonyms); filled as asked.
    synonyms: dict[tuple, dict[int, float]] = field(default_factory=dict)


def build_site_index(
    items: list[Item], aliases: dict[int, list[str]], vocabulary: Vocabulary = EMPTY_VOCABULARY
) -> SiteIndex:
    """`aliases` maps an item's position in `items` to its acronyms and other names."""
    # In alphabetical order, so a document's number is its tie-breaking rank.
    order = sorted(range(len(items)), key=lambda i: fold(items[i].title))
    aliases = {new: aliases.get(old, []) for new, old in enumerate(order)}
    items = [items[i] for i in order]
    index = WordIndex(min_prefix=PREFIX_MIN)
    for i, item in enumerate(items):
        index.add(i, TITLE, item.title)
        for alias in aliases.get(i, []):
            index.add(i, ACRONYM_OR_ALIAS, alias)
        index.add(i, SUMMARY, f"{item.summary} {item.context}")
        index.add(i, BODY, item.body)
    index.freeze()
    # A word that is most of a short title matches better than one word of a long title:
    # "detention" finds "Civil detention" before "Alternatives to Detention Division".
    title_bonus = [TITLE_BONUS / max(1, len(words(item.title))) for item in items]
    stems: dict[str, dict[int, float]] = {}
    for word, postings in index.postings.items():
        best = stems.setdefault(stem(word, vocabulary.language), {})
        for doc, tier in postings.items():
            weight = WEIGHTS[tier] + (title_bonus[doc] if tier == TITLE else 0.0)
            if weight > best.get(doc, 0):
                best[doc] = weight
    by_key = {(it.kind, it.slug): i for i, it in enumerate(items)}
    exact: dict[str, set[int]] = {}
    for i, item in enumerate(items):
        for name in [item.title, *aliases.get(i, [])]:
            key = compact(name)
            exact.setdefault(key, set()).add(i)
            # "FOT" names "Fugitive Operations Teams (FOTs)" too, as in the glossary.
            exact.setdefault(key[:-1] if key.endswith("s") else key + "s", set()).add(i)
    return SiteIndex(items, index, stems, by_key, vocabulary, exact)


def max_edits(word: str) -> int:
    """Misspellings allowed in a word the site has nowhere: one in a short word, where two
    would turn 'green' into 'given', two from eight letters up."""
    return 1 if len(word) < 8 else 2


# --- Ranking -----------------------------------------------------------------------------------
# Postings dicts may be shared with the index: they are read here, never changed. At the
# synthetic size a common word matches thousands of documents, so each pass over them is kept
# to dictionary operations done in C where it can be (copies, sorts) and one Python loop where
# it cannot.
def _phrase(index: SiteIndex, stems: tuple[str, ...]) -> dict[int, float]:
    """Documents with every word of a phrase; a phrase weighs what its weakest word does."""
    if len(stems) == 1:
        return index.stems.get(stems[0], {})
    postings = sorted((index.stems.get(s, {}) for s in stems), key=len)
    found = postings[0]
    for other in postings[1:]:
        found = {d: min(w, other[d]) for d, w in found.items() if d in other}
    return found


def concept_matches(concept: Concept, index: SiteIndex) -> dict[int, float]:
    """Each document that has the concept, with the weight of its best match."""
    own = _phrase(index, concept.stems)
    others: list[tuple[dict[int, float], float]] = []
    word = concept.prefix
    # A word not in the vocabulary as typed may be one still being typed, or misspelt.
    language = index.vocabulary.language
    if word and word not in index.words.postings:
        starting = _stems(index.words.words_starting(word), language)
        others += [(index.stems[s], PREFIX) for s in starting]
        if not own and not others and len(word) >= FUZZY_MIN_LENGTH and not word.isdigit():
            near = index.words.words_near(word, max_edits(word))
            others += [(index.stems[s], NEAR) for s in _stems(near, language)]
    found, shared = _synonyms(concept, index), True  # shared dicts are never changed
    for hits, factor in [(own, OWN), *others]:
        if not hits:
            continue
        if not found:
            found = hits if factor == OWN else {d: w * factor for d, w in hits.items()}
            shared = factor == OWN
            continue
        if shared:
            found, shared = dict(found), False
        for doc, weight in hits.items():
            if weight * factor > found.get(doc, 0.0):
                found[doc] = weight * factor
    return found


def _synonyms(concept: Concept, index: SiteIndex) -> dict[int, float]:
    """The documents with another word of the concept's group, at the synonym's weight; kept
    per group once asked, so a later query with a word of the same group only looks it up."""
    key = concept.alternatives
    if not key:
        return {}
    if key not in index.synonyms:
        found: dict[int, float] = {}
        for alternative in key:
            for doc, weight in _phrase(index, alternative).items():
                if weight * SYNONYM > found.get(doc, 0.0):
                    found[doc] = weight * SYNONYM
        index.synonyms[key] = found
    return index.synonyms[key]


def _stems(matched: list[str], language: str) -> set[str]:
    return {stem(w, language) for w in matched}


class Ranked(Sequence):
    """Ranked results, made into (item, score) pairs only for the page that is shown."""

    def __init__(self, index: SiteIndex, docs: list[int], score: dict[int, float]):
        self.index, self.docs, self.score = index, docs, score

    def __len__(self) -> int:
        return len(self.docs)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [(self.index.items[d], self.score[d]) for d in self.docs[key]]
        doc = self.docs[key]
        return (self.index.items[doc], self.score[doc])


def rank_site(query: str, index: SiteIndex, glossary: GlossaryIndex) -> Ranked:
    """Items matching at least half the query's concepts (rounded up), best first.

    A match is worth its place's weight times the concept's rarity (a rare word tells more than
    a common one: "lawyer" more than "detained"); an item's score is the sum over concepts,
    times the share of the concepts it has. Ties stay in alphabetical order.
    """
    concepts = read_query(query, index.vocabulary).concepts
    matches = [concept_matches(concept, index) for concept in concepts]
    total = len(index.items) + 1
    # With one concept its rarity changes no order; it is left out, saving a pass.
    rarities = [math.log(1 + total / (len(f) or 1)) if len(matches) > 1 else 1.0 for f in matches]
    score: dict[int, float] = {}
    coverage: dict[int, int] = {}
    for found, rarity in zip(matches, rarities, strict=True):
        if not score:
            score = dict(found) if rarity == 1.0 else {d: w * rarity for d, w in found.items()}
            coverage = dict.fromkeys(found, 1)
            continue
        for doc, weight in found.items():
            if doc in score:
                score[doc] += weight * rarity
                coverage[doc] += 1
            else:
                score[doc] = weight * rarity
                coverage[doc] = 1
    _add_glossary_matches(concepts, sum(rarities), index, glossary, coverage, score)
    # A query that is exactly a page's name or acronym: that page first.
    for doc in index.exact.get(compact(" ".join(c.text for c in concepts)), ()):
        score[doc] = score.get(doc, 0.0) + EXACT_NAME * sum(rarities)
        coverage[doc] = len(concepts)
    n = len(concepts)
    if n > 1:
        needed = math.ceil(n / 2)
        score = {d: s * coverage[d] / n for d, s in score.items() if coverage[d] >= needed}
    # Two sorts done in C: by number (alphabetical), then, stably, by score.
    docs = sorted(score)
    docs.sort(key=score.__getitem__, reverse=True)
    return Ranked(index, docs, score)


def _add_glossary_matches(concepts, rarity, index, glossary, coverage, score) -> None:
    """A query the glossary recognises as a name (an acronym, an older name, a misspelling)
    finds the term's entry and related programs, and the pages that use its full name, as if
    they matched every word of the query by their other names."""
    if not concepts:
        return
    # Without the filler: "what is the criminal alien program" names the older name too.
    meaningful = " ".join(c.text for c in concepts)
    named = rank_terms(meaningful, glossary, definitions=False)
    # "deported" is a word form of the site's own, not a misspelling of "DEPORT".
    misspelt = any(not _phrase(index, c.stems) for c in concepts)
    tiers = EXPANDING_TIERS if misspelt else EXPANDING_TIERS - {MISSPELLING}
    known = {e.slug: (e, t) for e, t in named if t in tiers}
    for entry, tier in list(known.values())[:MAX_EXPANSIONS]:
        # A misspelt name counts as much as a misspelt word does.
        factor = NEAR if tier == MISSPELLING else OWN
        targets = [("term", entry.slug)] + [("program", slug) for slug in entry.related]
        found = {index.by_key[k]: WEIGHTS[ACRONYM_OR_ALIAS] for k in targets if k in index.by_key}
        whole_name = index.words.match_all(words(entry.term), whole_words=True)
        for doc, tier_ in whole_name.items():
            found[doc] = max(found.get(doc, 0.0), WEIGHTS[max(tier_, ACRONYM_OR_ALIAS)])
        for doc, weight in found.items():
            coverage[doc] = len(concepts)
            score[doc] = max(score.get(doc, 0.0), weight * factor * rarity)


# --- Snippets ----------------------------------------------------------------------------------
@lru_cache(maxsize=256)
def _marker(query: str, vocabulary: Vocabulary):
    """Whether a folded word of a page is one the query matched: by stem, synonym or prefix."""
    concepts = read_query(query, vocabulary).concepts
    wanted = frozenset(s for c in concepts for key in (c.stems, *c.alternatives) for s in key)
    prefixes = sorted({c.prefix for c in concepts if c.prefix}, key=len, reverse=True)
    starts = re.compile("|".join(map(re.escape, prefixes))).match if prefixes else None
    language = vocabulary.language
    return lambda word: (
        stem(word, language) in wanted or (starts is not None and starts(word) is not None)
    )


@lru_cache(maxsize=256)
def _candidates(query: str, vocabulary: Vocabulary) -> re.Pattern | None:
    """The folded words that could be marked: those starting as a wanted stem or prefix starts
    (its first three letters; a stemmer changes a word's end, not its start). Finding them with
    one regular expression, then asking `_marker` of each, spares a Python call per word of
    every snippet."""
    concepts = read_query(query, vocabulary).concepts
    wanted = {s for c in concepts for key in (c.stems, *c.alternatives) for s in key}
    starts = {s[:3] for s in wanted | {c.prefix for c in concepts if c.prefix} if s}
    if not starts:
        return None
    alternatives = "|".join(map(re.escape, sorted(starts, key=len, reverse=True)))
    return re.compile(rf"(?<![{WORD_CHARS}])(?:{alternatives})[{WORD_CHARS}]*")


def highlight(
    text: str,
    query: str,
    vocabulary: Vocabulary = EMPTY_VOCABULARY,
    width: int = 180,
    folded: str | None = None,
) -> str:
    """A short extract around the first word the query matched, escaped, matches in <mark>.
    `folded` is `fold(text)` when the caller has it already."""
    marked = _marker(query, vocabulary)
    candidates = _candidates(query, vocabulary)
    folded = fold(text) if folded is None else folded
    start, end, spans = 0, min(len(text), width), []
    # Folding can change lengths (rare ligatures); the extract is left unmarked then.
    if len(folded) == len(text) and candidates is not None:
        for match in candidates.finditer(folded):
            if not marked(match.group()):
                continue
            if not spans:
                start = max(0, match.start() - width // 3)
                if start:  # begin at a word, not inside one
                    start = text.find(" ", start, match.start()) + 1 or match.start()
                end = min(len(text), start + width)
            if match.end() > end:
                break
            spans.append(match.span())
    pieces, cursor = [], start
    for s, e in spans:
        pieces.append(escape(text[cursor:s]))
        pieces.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    pieces.append(escape(text[cursor:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(pieces) + suffix


# --- From the database -------------------------------------------------------------------------
RESOURCES_SLUG = "resources"
SYNONYMS_SLUG = "synonyms"


def site_index(language: str = "en") -> SiteIndex:
    return _site_index(ContentVersion.current(), language)


def vocabulary(language: str = "en") -> Vocabulary:
    return site_index(language).vocabulary


def search(query: str, language: str = "en") -> Ranked:
    """The site search of the current content in `language`; one read of the content version
    for both indexes. The results carry their index, and with it the vocabulary for snippets."""
    version = ContentVersion.current()
    return rank_site(query, _site_index(version, language), _glossary_index(version, language))


def _load_vocabulary() -> Vocabulary:
    row = SearchVocabulary.objects.filter(slug=SYNONYMS_SLUG).first()
    if row is None:
        return EMPTY_VOCABULARY
    return build_vocabulary(row.synonyms, row.ignore, row.not_covered)


def resource_items(language: str = "en") -> list[Item]:
    """Each entry of the resources page that has text of its own, linked by its anchor (in
    Spanish, the entries of the Spanish page, at its own anchors)."""
    if language == "en":
        page = Page.objects.filter(slug=RESOURCES_SLUG).only("body_html").first()
    else:
        page = Translation.objects.filter(
            language=language, kind=Page.KIND, slug=RESOURCES_SLUG
        ).first()
    if page is None:
        return []
    base = reverse(RESOURCES_SLUG)
    return [
        Item("resource", s.anchor, s.title, f"{base}#{s.anchor}", "", s.text, context=s.group)
        for s in page_sections(page.body_html)
        if s.text
    ]


@dataclass
class _Entry:
    """One item of the index, with its names in its own and in the other language."""

    item: Item
    aliases: list[str]


def _program(p: Program, es: Translation | None, language: str) -> _Entry | None:
    english_names = [n["name"] for n in p.other_names]
    url = p.get_absolute_url()
    if language == "en":
        item = Item("program", p.slug, str(p), url, p.summary, plain_text(p.body_html))
        spanish = translated_names(es, "title", "names")
        return _Entry(item, [p.title, p.acronym, *english_names, *spanish])
    if es is None:
        return None  # a page not yet translated is not in the Spanish search
    title = es.fields["title"]
    shown = title if not p.acronym or p.acronym in title else f"{title} ({p.acronym})"
    item = Item("program", p.slug, shown, url, es.fields["summary"], plain_text(es.body_html))
    names = [title, p.acronym, *es.fields.get("names", []), p.title, *english_names]
    return _Entry(item, names)


def _term(t: GlossaryTerm, es: Translation | None, language: str) -> _Entry | None:
    url = t.get_absolute_url()
    if language == "en":
        item = Item("term", t.slug, t.term, url, plain_text(t.body_html), "")
        spanish = translated_names(es, "term", "aliases")
        return _Entry(item, [*t.acronyms, *t.also_known_as, *spanish])
    if es is None:
        return None
    item = Item("term", t.slug, es.fields["term"], url, plain_text(es.body_html), "")
    names = [*t.acronyms, *es.fields.get("aliases", []), t.term, *t.also_known_as]
    return _Entry(item, names)


def _question(q: Question, es: Translation | None, language: str) -> _Entry | None:
    url = q.get_absolute_url()
    if language == "en":
        item = Item("question", q.slug, q.question, url, "", plain_text(q.body_html))
        return _Entry(item, translated_names(es, "question"))
    if es is None:
        return None
    item = Item("question", q.slug, es.fields["question"], url, "", plain_text(es.body_html))
    return _Entry(item, [q.question])


@lru_cache(maxsize=4)
def _site_index(version: int, language: str = "en") -> SiteIndex:
    with original_text(), translation.override(language):
        programs = Program.objects.only(
            "slug", "title", "acronym", "other_names", "summary", "body_html"
        )
        terms = GlossaryTerm.objects.only("slug", "term", "acronyms", "also_known_as", "body_html")
        questions = Question.objects.only("slug", "question", "body_html")
        entries = []
        for rows, kind, make in (
            (programs, Program.KIND, _program),
            (terms, GlossaryTerm.KIND, _term),
            (questions, Question.KIND, _question),
        ):
            spanish = spanish_rows(kind)
            entries += [make(row, spanish.get(row.slug), language) for row in rows]
        entries = [e for e in entries if e is not None]
        items = [e.item for e in entries] + resource_items(language)
        vocabulary = _load_vocabulary() if language == "en" else SPANISH_VOCABULARY
    aliases = {i: e.aliases for i, e in enumerate(entries)}
    return _frozen(build_site_index(items, aliases, vocabulary))
