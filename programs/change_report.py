"""The editor's change report between two captures of a source (`manage.py source_changes`, and
`import_source` after it adds a capture), read from the files.

It reads the files and not the database, and tolerates files the loader would refuse: right
after a new capture, quotes that no longer occur in it stop `load_content`, and this report is
what tells the editor which ones, as `path:line: field: ...`.
"""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from . import capture_diff
from .captures import (
    FIRST,
    Capture,
    key_label,
    later_capture_files,
    read_later_captures,
)
from .content_files import (
    MAX_CAPTURE_BYTES,
    Collector,
    check_kind,
    display_path,
    documents,
    read_document,
    read_text,
    suggest,
)
from .translations import LANGUAGES


class ReportError(Exception):
    """The report cannot be made; the message says why."""


@dataclass(frozen=True)
class Citation:
    """A fact, glossary quote or FAQ quote that cites the source, where it is written."""

    path: str
    line: int
    field: str
    quote: str
    pin: str  # the capture it is pinned to, "" for none

    def where(self) -> str:
        return f"{self.path}:{self.line}: {self.field}"


@dataclass
class SourceFiles:
    slug: str
    source_id: str
    captures: list[Capture]  # oldest first

    def capture(self, key: str) -> Capture:
        keys = [c.key for c in self.captures]
        if key not in keys:
            raise ReportError(
                f"source '{self.slug}' has no capture {key!r} (its captures: {', '.join(keys)})"
            )
        return self.captures[keys.index(key)]


def read_source(root: Path, slug: str) -> SourceFiles:
    """A source's id and captures, from its `.md` file and its capture files."""
    directory = root / "sources"
    errors = Collector()
    path = directory / f"{slug}.md"
    if not path.is_file():
        known = [p.stem for p in directory.glob("*.md")]
        raise ReportError(f"no source '{slug}' in {display_path(directory)}{suggest(slug, known)}")
    doc = read_document(path, errors)
    meta = doc.meta if doc is not None else {}
    try:
        date = check_kind(meta["date"], "date") if meta.get("date") else None
        first = Capture(
            key=FIRST,
            file=str(meta["capture"]),
            captured=None,
            date_line=str(meta.get("date_line") or ""),
            date=date,
            latest_year=int(meta.get("latest_year") or 0),
            text=read_text(directory / str(meta["capture"]), errors, MAX_CAPTURE_BYTES) or "",
        )
    except (KeyError, ValueError):
        errors.add(display_path(path), 0, "capture", "cannot be read")
    if errors.errors:
        raise ReportError("\n".join(str(e) for e in errors.errors))
    later = later_capture_files(directory, errors).get(slug, [])
    captures = [first, *read_later_captures(later, errors)]
    return SourceFiles(slug, str(meta.get("id", "")), captures)


def citations(root: Path, sid: str) -> list[Citation]:
    """Every fact, glossary quote and FAQ quote that cites source `sid`. Files too broken to
    read are passed over: the loader reports them."""
    errors = Collector()
    found = []
    for doc in documents(root / "programs", errors):
        for i, fact in enumerate(_items(doc.meta.get("facts"))):
            if str(fact.get("source")) == sid and "quote" in fact:
                line = doc.line("facts", i, "quote")
                found.append(Citation(doc.display, line, f"facts[{i}].quote", *_quote(fact)))
    for doc in documents(root / "glossary", errors):
        quote = doc.meta.get("quote")
        if isinstance(quote, dict) and str(quote.get("source")) == sid and "text" in quote:
            line = doc.line("quote", "text")
            text, pin = str(quote["text"]), str(quote.get("capture") or "")
            found.append(Citation(doc.display, line, "quote.text", text, pin))
    for doc in documents(root / "faq", errors):
        for i, item in enumerate(_items(doc.meta.get("sources"))):
            if str(item.get("id")) == sid and "quote" in item:
                line = doc.line("sources", i, "quote")
                found.append(Citation(doc.display, line, f"sources[{i}].quote", *_quote(item)))
    return found


def _items(value) -> list[dict]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _quote(item: dict) -> tuple[str, str]:
    return str(item["quote"]), str(item.get("capture") or "")


def unit_names(root: Path) -> dict[str, str]:
    """Every title, acronym and other name of the programs in the files -> its file."""
    errors = Collector()
    names = {}
    for doc in documents(root / "programs", errors):
        others = [n.get("name") for n in _items(doc.meta.get("other_names"))]
        for name in (doc.meta.get("title"), doc.meta.get("acronym"), *others):
            if isinstance(name, str) and name.strip():
                names.setdefault(name.strip(), doc.display)
    return names


def report(root: Path, slug: str, from_key: str | None = None, to_key: str | None = None):
    """The report's lines, between the two newest captures or the two named."""
    source = read_source(root, slug)
    if len(source.captures) < 2 and not (from_key and to_key):
        raise ReportError(f"source '{slug}' has one capture so far: there is nothing to compare")
    newer = source.capture(to_key) if to_key else source.captures[-1]
    if from_key:
        older = source.capture(from_key)
    else:
        place = source.captures.index(newer)
        if place == 0:
            raise ReportError(f"{key_label(newer.key)} has no capture before it; give --from")
        older = source.captures[place - 1]
    return _lines(root, source, older, newer)


def _lines(root: Path, source: SourceFiles, older: Capture, newer: Capture) -> list[str]:
    lines = [
        f'Source "{source.source_id}" ({source.slug}): from {_describe(older)} '
        f"to {_describe(newer)}.",
        "",
    ]
    if older.date_line.strip() != newer.date_line.strip():
        lines.append(f"Date line changed: {_shown(older.date_line)} -> {_shown(newer.date_line)}")
    else:
        lines.append(f"Date line unchanged: {_shown(newer.date_line)}")
    lines += ["", *_citation_lines(root, source, newer)]
    changes = capture_diff.figure_changes(older.text, newer.text)
    lines += ["", *_figure_lines(changes)]
    lines += ["", *_figure_mention_lines(root, changes)]
    names = unit_names(root)
    gone = capture_diff.units_no_longer_named(names, older.text, newer.text)
    newer_name = key_label(newer.key)
    lines += ["", f"The site's unit names that {newer_name} no longer mentions: {len(gone)}"]
    lines += [f"  {name} (named in {path})" for name, path in gone]
    new = capture_diff.new_unit_names(names, older.text, newer.text)
    lines += [
        "",
        f"Names new in {newer_name} that look like units the site has no page for: {len(new)}",
    ]
    lines += [f"  {name}" for name in new]
    return lines


def _describe(capture: Capture) -> str:
    when = (
        capture.captured.isoformat()
        if isinstance(capture.captured, datetime.date)
        else "capture date not recorded"
    )
    return f"{key_label(capture.key)} ({when}, {capture.file})"


def _shown(date_line: str) -> str:
    return f'"{date_line.strip()}"' if date_line.strip() else "(none)"


def _citation_lines(root: Path, source: SourceFiles, newer: Capture) -> list[str]:
    found = citations(root, source.source_id)
    candidates = capture_diff.sentence_candidates(newer.text)
    fates = [(c, capture_diff.quote_fate(c.quote, newer.text, candidates)) for c in found]
    order = {"changed": 0, "gone": 1, "present": 2}
    fates.sort(key=lambda item: (order[item[1].status], item[0].path, item[0].line))
    counts = {s: sum(f.status == s for _c, f in fates) for s in order}
    lines = [
        f'Facts and quotes that cite source "{source.source_id}": {len(fates)} '
        f"({counts['present']} still present, {counts['changed']} changed, "
        f"{counts['gone']} gone in {key_label(newer.key)})"
    ]
    for citation, fate in fates:
        lines.append(f"{citation.where()}: {_fate_text(fate)}{_pin_text(citation)}")
    unresolved = [
        c for c, f in fates if f.status != "present" and not c.pin and newer is source.captures[-1]
    ]
    if unresolved:
        lines.append(
            f"{len(unresolved)} of these are not pinned and no longer occur in the newest capture: "
            "load_content refuses them until each is updated, pinned to the capture it comes "
            "from (capture: <key>), or removed."
        )
    return lines


def _fate_text(fate: capture_diff.QuoteFate) -> str:
    if fate.status == "present":
        return "still present"
    if fate.status == "gone":
        closest = f' (closest, score {fate.score:.0f}: "{fate.closest}")' if fate.closest else ""
        return f"gone: no sentence of the newer capture is close{closest}"
    differ = f"{' '.join(fate.removed) or '(nothing)'} -> {' '.join(fate.added) or '(nothing)'}"
    return (
        f'changed: closest sentence (score {fate.score:.0f}): "{fate.closest}"; '
        f"words that differ: {differ}"
    )


def _pin_text(citation: Citation) -> str:
    return f" [pinned to {key_label(citation.pin)}]" if citation.pin else ""


def _figure_lines(changes: list[capture_diff.FigureChange]) -> list[str]:
    lines = [f"Figures changed in otherwise similar sentences: {len(changes)}"]
    for change in changes:
        lines += [
            "  " + "; ".join(f"{before} -> {after}" for before, after in change.changed),
            f'    before: "{change.before}"',
            f'    after:  "{change.after}"',
        ]
    return lines


# Folders whose files carry the site's own words, in English and in each translation.
TEXT_FOLDERS = ("programs", "glossary", "faq", "pages")
TOP_LEVEL_KEY = re.compile(r"([a-z_]+):")


def _figure_mention_lines(root: Path, changes: list[capture_diff.FigureChange]) -> list[str]:
    """Every line of the site's text that writes a figure the newer capture changed: bodies,
    summaries and labels restate figures that no quote check sees."""
    old = {
        figure
        for change in changes
        for figure in set(change.figures_before) - set(change.figures_after)
    }
    if not old:
        return []
    # A figure as a whole number: "129" is not found in "1290" or "1,129".
    alternatives = "|".join(re.escape(f) for f in sorted(old, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w,.])(?:{alternatives})(?!\w|[,.]\d)")
    errors = Collector()
    found = []
    folders = [root / f for f in TEXT_FOLDERS]
    folders += [root / language / f for language in LANGUAGES for f in TEXT_FOLDERS]
    for folder in folders:
        for doc in documents(folder, errors):
            field = "front matter"
            for number, text in enumerate(doc.text.splitlines(), start=1):
                key = TOP_LEVEL_KEY.match(text)
                field = "body" if number >= doc.body_line else key[1] if key else field
                for match in pattern.finditer(text):
                    found.append(f"{doc.display}:{number}: {field}: gives {match.group()}")
    return [
        f"Lines of the site's text that give a figure this capture changed: {len(found)} "
        "(update each, or say which capture it comes from)",
        *found,
    ]
