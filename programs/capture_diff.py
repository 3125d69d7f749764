"""What changed between two captures of a source page: the date line, figures changed in
otherwise similar sentences, the site's unit names the newer one no longer mentions, names in
it that look like units the site has no page for, a changes-only word diff, and how a quote
fares in the newer capture (still present, changed, gone).

Plain text in, plain values out: the public changes page, the open data and the editor's report
(`programs.change_report`) all read these. Word diffs are difflib's (the standard library);
"the closest sentence" is RapidFuzz's.
"""

import difflib
import itertools
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .captures import DATE_LINE
from .content_files import NUMBER, normalize_space
from .models import Program, Source
from .rules import mentions

BULLET = re.compile(r"^\s*(?:[*•\-+o]|\d+\.)\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(A-Z0-9])")
# Similar enough that a figure that differs is the same figure, changed (RapidFuzz 0-100, on
# the sentences with every number masked).
SAME_SENTENCE = 85
# A quote whose closest sentence scores below this is gone, not changed.
CHANGED_QUOTE = 75
# Words of unchanged text shown on each side of a change.
CONTEXT_WORDS = 8

# Words that end the name of a unit: "Fugitive Operations Division", "Juvenile Unit".
UNIT_WORDS = {
    "division", "divisions", "program", "programs", "unit", "units", "office", "offices",
    "operations", "center", "centers", "team", "teams", "initiative", "section", "branch",
    "directorate", "corps", "service", "force", "squad", "group", "command", "academy",
    "bureau", "council", "board", "system", "systems",
}  # fmt: skip
# A run of capitalised words on one line, with the small words names use inside them.
NAME_RUN = re.compile(
    r"[A-Z][\w\u2019'&/-]*(?:[^\S\n]+(?:(?:of|and|for|the|on|to|&)[^\S\n]+)*"
    r"[A-Z0-9][\w\u2019'&/-]*)*"
)


def sentences(text: str) -> list[str]:
    """The text's sentences, white space normalised: each line (bullet left off) split after
    a full stop, question or exclamation mark."""
    found = []
    for line in text.split("\n"):
        line = normalize_space(BULLET.sub("", line))
        found += [s for s in SENTENCE_END.split(line) if s]
    return found


def _mask(sentence: str) -> str:
    return NUMBER.sub("#", sentence)


@dataclass(frozen=True)
class FigureChange:
    before: str  # the sentence in the older capture
    after: str  # the closest sentence in the newer one
    figures_before: tuple[str, ...]
    figures_after: tuple[str, ...]

    @property
    def changed(self) -> list[tuple[str, str]]:
        """(before, after) for each figure that changed: in place where the sentences hold as
        many figures, else all of them."""
        if len(self.figures_before) == len(self.figures_after):
            pairs = zip(self.figures_before, self.figures_after, strict=True)
            return [(a, b) for a, b in pairs if a != b]
        return [(", ".join(self.figures_before), ", ".join(self.figures_after))]


def figure_changes(old: str, new: str) -> list[FigureChange]:
    """Sentences that hold figures, gone from the newer capture, whose closest new sentence
    reads the same once numbers are masked: a figure changed. Date lines are left out (the date
    line has its own entry)."""
    old_s, new_s = sentences(old), sentences(new)
    kept_old, kept_new = set(old_s), set(new_s)
    gone = [s for s in old_s if s not in kept_new and NUMBER.search(s) and not _is_date_line(s)]
    added = [s for s in new_s if s not in kept_old and NUMBER.search(s) and not _is_date_line(s)]
    masked = [_mask(s) for s in added]
    changes = []
    for sentence in gone:
        best = process.extractOne(
            _mask(sentence), masked, scorer=fuzz.ratio, score_cutoff=SAME_SENTENCE
        )
        if best is None:
            continue
        after = added[best[2]]
        before_figures, after_figures = NUMBER.findall(sentence), NUMBER.findall(after)
        if before_figures != after_figures:
            changes.append(
                FigureChange(sentence, after, tuple(before_figures), tuple(after_figures))
            )
    return changes


def _is_date_line(sentence: str) -> bool:
    return bool(DATE_LINE.fullmatch(sentence))


# Words that start a sentence, not a name: "The Border Liaison Division" is named without them.
LEADING_WORDS = {"The", "A", "An", "In", "Its", "ICE\u2019s", "ERO\u2019s", "ICE's", "ERO's"}


def unit_like_names(text: str) -> set[str]:
    """Names in a text that look like units: capitalised words ending in a word like Division,
    Program, Unit or Office ("Border Liaison Division"), or "Operation" and a name."""
    found = set()
    for match in NAME_RUN.finditer(text):
        words = match.group().split()
        while words and words[0] in LEADING_WORDS:
            words = words[1:]
        if len(words) < 2:
            continue
        if words[-1].casefold() in UNIT_WORDS or words[0] == "Operation":
            found.add(" ".join(words))
    return found


def units_no_longer_named(unit_names: dict[str, str], old: str, new: str) -> list[tuple]:
    """(name, slug) for each of the site's unit names that the older capture mentions and the
    newer one does not. `unit_names`: every title, acronym and other name -> its program."""
    return sorted(
        (name, slug)
        for name, slug in unit_names.items()
        if mentions(name, old) and not mentions(name, new)
    )


def new_unit_names(unit_names: dict[str, str], old: str, new: str) -> list[str]:
    """Names that look like units, in the newer capture and not the older, that none of the
    site's unit names matches."""
    known = {name.casefold() for name in unit_names}
    return sorted(
        name
        for name in unit_like_names(new) - unit_like_names(old)
        if name.casefold() not in known and not mentions(name, old)
    )


@dataclass(frozen=True)
class Hunk:
    """One change with the unchanged words around it: ("same" | "del" | "ins", words)."""

    parts: tuple[tuple[str, str], ...]


def word_diff(old: str, new: str, context: int = CONTEXT_WORDS) -> list[Hunk]:
    """The changes only, word by word, each with a few unchanged words around it."""
    a, b = old.split(), new.split()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        parts = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                parts.append(("same", " ".join(a[i1:i2])))
                continue
            if i2 > i1:
                parts.append(("del", " ".join(a[i1:i2])))
            if j2 > j1:
                parts.append(("ins", " ".join(b[j1:j2])))
        hunks.append(Hunk(tuple(parts)))
    return hunks


@dataclass(frozen=True)
class QuoteFate:
    """How a quote fares in a newer capture: "present", "changed" or "gone"; for a changed one,
    the closest sentence, its score (0-100), and the words that differ."""

    status: str
    closest: str = ""
    score: float = 0.0
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()


def _closeness(quote: str, sentence: str, **_kwargs) -> float:
    # A quote is often part of a sentence: scored against its best-matching stretch. A
    # sentence shorter than the quote is scored whole, so that a short one cannot score 100.
    if len(sentence) >= len(quote):
        return fuzz.partial_ratio(quote, sentence)
    return fuzz.ratio(quote, sentence)


def quote_fate(quote: str, text: str, candidates: list[str] | None = None) -> QuoteFate:
    """Whether `quote` still occurs in `text`; if not, its closest sentence (or two sentences
    in a row, for a quote that spans them) and the words that differ."""
    quote = normalize_space(quote)
    if quote in normalize_space(text):
        return QuoteFate("present")
    if candidates is None:
        candidates = sentence_candidates(text)
    best = process.extractOne(quote, candidates, scorer=_closeness)
    if best is None or best[1] < CHANGED_QUOTE:
        return QuoteFate("gone", *(best[:2] if best else ()))
    closest = best[0]
    span = _aligned_span(quote, closest)
    removed, added = _differing_words(quote, span)
    return QuoteFate("changed", closest, best[1], removed, added)


def sentence_candidates(text: str) -> list[str]:
    found = sentences(text)
    return found + [f"{a} {b}" for a, b in itertools.pairwise(found)]


def _aligned_span(quote: str, sentence: str) -> str:
    """The stretch of `sentence` that lines up with the quote, widened to whole words."""
    if len(sentence) < len(quote):
        return sentence
    alignment = fuzz.partial_ratio_alignment(quote, sentence)
    start, end = alignment.dest_start, alignment.dest_end
    while start > 0 and not sentence[start - 1].isspace():
        start -= 1
    while end < len(sentence) and not sentence[end].isspace():
        end += 1
    return sentence[start:end]


def _differing_words(quote: str, span: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    a, b = quote.split(), span.split()
    removed, added = [], []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return tuple(removed), tuple(added)


# --- A source's changes, from the database (the public page, the open data) ---------------------
@dataclass
class CaptureChanges:
    """What changed from one capture (`older`) to the next (`newer`)."""

    older: object  # a SourceCapture
    newer: object
    date_line_changed: bool
    figures: list[FigureChange]
    units_gone: list[tuple[str, str]]
    new_names: list[str]
    hunks: list[Hunk] = field(default_factory=list)

    @property
    def nothing_but_words(self) -> bool:
        return not (self.date_line_changed or self.figures or self.units_gone or self.new_names)


def site_unit_names() -> dict[str, str]:
    """Every title, acronym and other name of the site's programs -> the program's slug."""
    names = {}
    for slug, title, acronym, other in Program.objects.values_list(
        "slug", "title", "acronym", "other_names"
    ):
        for name in (title, acronym, *(n.get("name", "") for n in other or [])):
            if name:
                names.setdefault(name, slug)
    return names


def changes_between(older, newer, unit_names: dict[str, str]) -> CaptureChanges:
    """Two captures (anything with `text` and `date_line`)."""
    return CaptureChanges(
        older=older,
        newer=newer,
        date_line_changed=normalize_space(older.date_line) != normalize_space(newer.date_line),
        figures=figure_changes(older.text, newer.text),
        units_gone=units_no_longer_named(unit_names, older.text, newer.text),
        new_names=new_unit_names(unit_names, older.text, newer.text),
        hunks=word_diff(older.text, newer.text),
    )


def source_changes(source: Source, unit_names: dict | None = None) -> list[CaptureChanges]:
    """Each pair of consecutive captures of a source, newest first."""
    captures = list(source.captures.all())
    if len(captures) < 2:
        return []
    names = site_unit_names() if unit_names is None else unit_names
    pairs = [changes_between(a, b, names) for a, b in itertools.pairwise(captures)]
    return pairs[::-1]
