"""Read and validate the content files into plain records; no database here.

`read_content(content_dir)` returns a `ContentSet` or raises `ContentErrors` listing every problem
as `path:line: field: message`. Writing the records is `programs.sync`'s job, so that the whole
set is checked before anything is written and a bad edit never reaches the site.
"""

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist

from . import captures as capture_files
from . import rules
from .content_files import (
    CAPTURE_FILE_NAME,
    MAX_CAPTURE_BYTES,
    Collector,
    ContentErrors,
    Document,
    check_fields,
    display_path,
    documents,
    limit_problem,
    normalize_space,
    read_text,
    suggest,
)
from .kinds import (
    BY_LINK,
    FACT_PARTS,
    KINDS,
    PAGE,
    PAGE_SLUGS,
    PROGRAM,
    QUESTION,
    SOURCE,
    TERM,
    TERM_QUOTE_PARTS,
    Field,
    Kind,
    part_names,
)
from .markdown import NO_GLOSSARY, GlossaryLinker, Rendered, markdown_problems, render
from .models import Fact, Program, text_hash
from .translations import read_translations
from .words import phrase_key

SOURCE_ID = re.compile(r"^[0-9]{3}$")


FACT_FIELDS = part_names(FACT_PARTS)
FACT_REQUIRED = part_names(FACT_PARTS, required=True)
OTHER_NAME_FIELDS = {"name", "kind", "source"}
OTHER_NAME_KINDS = {"also", "formerly"}


@dataclass
class ContentSet:
    """Every record, by kind (each attribute is a kind's folder name), then by slug."""

    sources: dict[str, dict] = field(default_factory=dict)
    programs: dict[str, dict] = field(default_factory=dict)
    pages: dict[str, dict] = field(default_factory=dict)
    glossary: dict[str, dict] = field(default_factory=dict)
    faq: dict[str, dict] = field(default_factory=dict)
    # (language, kind, slug) -> the translated text of an English record
    translations: dict[tuple, dict] = field(default_factory=dict)
    # content/search/: how the site search reads a query (not a kind of page: see read_search)
    search: dict[str, dict] = field(default_factory=dict)

    def of(self, kind: Kind) -> dict[str, dict]:
        return getattr(self, kind.folder)

    def by_kind(self):
        """(kind, records) for every kind, in the registry's order."""
        return [(kind, self.of(kind)) for kind in KINDS]


@cache
def model_fields(kind: Kind) -> dict:
    """Front-matter field name -> the Django field that stores it, where there is one: the
    loader holds every value to the limits the database will impose."""
    fields = {}
    for f in kind.fields:
        try:
            fields[f.name] = kind.model._meta.get_field(f.model_field)
        except FieldDoesNotExist:
            continue
    return fields


def _check_fields(doc: Document, kind: Kind, errors: Collector) -> dict:
    return check_fields(doc, kind.schema, errors, model_fields(kind))


def _has_required(meta: dict, kind: Kind) -> bool:
    return all(f.name in meta for f in kind.fields if f.required)


def _record(doc: Document, kind: Kind, meta: dict) -> dict:
    """A record's slug, file and body, and every field stored as it is (or its default)."""
    rec = {"slug": doc.slug, "body": doc.body, "file_text": doc.text, "_doc": doc}
    for f in kind.fields:
        if f.stored:
            rec[f.model_field] = meta.get(f.name, f.default)
    return rec


def _fingerprint(record: dict) -> str:
    """A stable hash of a record, so a load can tell changed records from unchanged ones."""
    data = json.dumps(record, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


# --- Sources ---------------------------------------------------------------------------------
def _read_capture(doc: Document, name: str, errors: Collector) -> str | None:
    """A source's captured text: only ever a plain .txt file beside its .md file."""
    if not CAPTURE_FILE_NAME.match(name):
        message = "must be the name of a .txt file beside it, like 'ero-page.txt' (no folders)"
        errors.add(doc, ("capture",), "capture", message)
        return None
    path = doc.path.parent / name
    if not os.path.lexists(path):
        errors.add(doc, ("capture",), "capture", f"no file {name!r} beside it")
        return None
    return read_text(path, errors, MAX_CAPTURE_BYTES)


def read_sources(directory: Path, errors: Collector) -> dict[str, dict]:
    records = {}
    ids: dict[str, str] = {}
    later = capture_files.later_capture_files(directory, errors)
    first_files = set()
    for doc in documents(directory, errors):
        meta = _check_fields(doc, SOURCE, errors)
        sid = meta.get("id")
        if sid is not None:
            if not SOURCE_ID.match(sid):
                errors.add(doc, ("id",), "id", 'must be three digits, like "002"')
            elif sid in ids:
                errors.add(doc, ("id",), "id", f'"{sid}" is also used by {ids[sid]}')
            ids[sid] = doc.display
        first_files.add(meta.get("capture"))
        text = _read_capture(doc, meta["capture"], errors) if "capture" in meta else None
        # Exactly as the page gives it, leading spaces included (the field check strips them).
        date_line = str(doc.meta.get("date_line") or "")
        problem = text and rules.date_line_problem(date_line, text)
        if problem:
            errors.add(doc, ("date_line",), "date_line", problem)
        if not text or not _has_required(meta, SOURCE):
            continue
        first = capture_files.Capture(
            key=capture_files.FIRST,
            file=meta["capture"],
            captured=None,
            date_line=date_line,
            date=meta.get("date"),
            latest_year=meta["latest_year"],
            text=text,
        )
        captures = [first, *capture_files.read_later_captures(later.pop(doc.slug, []), errors)]
        rendered = _render_body(doc, NO_GLOSSARY, errors)
        records[doc.slug] = (
            _record(doc, SOURCE, meta)
            | _newest(captures)
            | {
                "capture_hash": text_hash(text),
                "captures": [c.as_record(i) for i, c in enumerate(captures)],
                "body_html": rendered.html,
                "_captures": [(c.key, c.text) for c in captures],
            }
        )
    _report_orphan_captures(later, first_files, records, errors)
    return records


def _newest(captures: list) -> dict:
    """What a source shows and quotes are checked against: its newest capture."""
    newest = captures[-1]
    return {
        "date_line": newest.date_line,
        "date": newest.date,
        "latest_year": newest.latest_year,
        "text": newest.text,
        "_normalized": normalize_space(newest.text),
    }


def _report_orphan_captures(later: dict, first_files: set, records: dict, errors) -> None:
    """A later capture whose name gives no source is an error, not a file silently ignored."""
    for slug, paths in later.items():
        for path in paths:
            if path.name not in first_files:
                message = f"no source '{slug}' for this capture{suggest(slug, records)}"
                errors.add(display_path(path), 0, "file name", message)


# --- Programs --------------------------------------------------------------------------------
def _source_ids(doc, meta, key, by_id, errors) -> list[str]:
    ids = []
    for i, sid in enumerate(meta.get(key, [])):
        sid = str(sid)
        problem = rules.source_id_problem(sid, by_id)
        if problem:
            errors.add(doc, (key, i), f"{key}[{i}]", problem + _known(by_id))
        else:
            ids.append(sid)
    return ids


def _known(by_id: dict) -> str:
    return " (known: " + ", ".join(sorted(by_id)) + ")"


def _pin(doc, key, name, sid, pin, by_id, errors) -> str | None:
    """The loader's side of rules.pin_problem: the capture a quote is pinned to, if any."""
    if pin is None or sid not in by_id:
        return None
    if isinstance(pin, bool) or not isinstance(pin, (str, int)) or not str(pin).strip():
        errors.add(doc, (*key, "capture"), f"{name}.capture", "must be 'first' or a capture date")
        return None
    pin = str(pin).strip()
    problem = rules.pin_problem(pin, sid, by_id[sid]["_captures"])
    if problem:
        errors.add(doc, (*key, "capture"), f"{name}.capture", problem)
        return None
    return pin


def _check_quote(doc, key, name, sid, quote, by_id, errors, figure=None, pin=None) -> None:
    """The loader's side of rules.captured_quote_problem and rules.figure_problem."""
    if sid not in by_id or not isinstance(quote, str):
        return
    problem = rules.captured_quote_problem(quote, sid, by_id[sid]["_captures"], pin or "")
    if problem:
        errors.add(doc, (*key, "quote"), f"{name}.quote", problem)
    problem = figure is not None and rules.figure_problem(figure, quote)
    if problem:
        errors.add(doc, (*key, "figure"), f"{name}.figure", problem)


def _facts(doc, meta, by_id, page_sources, errors) -> list[dict]:
    facts = []
    for i, fact in enumerate(meta.get("facts", [])):
        key, name = ("facts", i), f"facts[{i}]"
        if not isinstance(fact, dict):
            errors.add(doc, key, name, "must be a mapping with figure, label, source, quote")
            continue
        for missing in sorted(FACT_REQUIRED - set(fact)):
            errors.add(doc, key, f"{name}.{missing}", "is required")
        for unknown in sorted(set(fact) - FACT_FIELDS):
            errors.add(doc, (*key, unknown), f"{name}.{unknown}", "unknown field")
        if not set(fact) >= FACT_REQUIRED:
            continue
        sid = str(fact["source"])
        problem = rules.fact_source_problem(sid, by_id, page_sources)
        if problem:
            errors.add(doc, (*key, "source"), f"{name}.source", problem)
        pin = _pin(doc, key, name, sid, fact.get("capture"), by_id, errors)
        _check_quote(doc, key, name, sid, fact["quote"], by_id, errors, fact["figure"], pin)
        for column in ("figure", "label"):
            problem = limit_problem(str(fact[column]), Fact._meta.get_field(column))
            if problem:
                errors.add(doc, (*key, column), f"{name}.{column}", problem)
        facts.append(
            {k: str(fact[k]) for k in ("figure", "label", "quote")}
            | {"source": sid, "capture": pin or ""}
        )
    return facts


def _other_names(doc, meta, by_id, errors) -> list[dict]:
    names = []
    for i, item in enumerate(meta.get("other_names", [])):
        key, name = ("other_names", i), f"other_names[{i}]"
        if not isinstance(item, dict) or not {"name", "source"} <= set(item):
            errors.add(doc, key, name, "must have a name and the source that uses it")
            continue
        for unknown in sorted(set(item) - OTHER_NAME_FIELDS):
            errors.add(doc, (*key, unknown), f"{name}.{unknown}", "unknown field")
        kind = item.get("kind", "also")
        if kind not in OTHER_NAME_KINDS:
            errors.add(doc, (*key, "kind"), f"{name}.kind", "must be 'also' or 'formerly'")
        sid = str(item["source"])
        problem = rules.source_id_problem(sid, by_id)
        if problem:
            errors.add(doc, (*key, "source"), f"{name}.source", problem)
        names.append({"name": str(item["name"]), "kind": kind, "source": sid})
    return names


def _render_body(doc: Document, linker: GlossaryLinker, errors: Collector) -> Rendered:
    """Render a body, or report each limit it exceeds and stand in an empty rendering."""
    problems = markdown_problems(doc.body)
    for line, message in problems:
        errors.add(doc, doc.body_line + line - 1, "body", message)
    return Rendered(html="") if problems else render(doc.body, linker)


def _linker_for(meta: dict, linker: GlossaryLinker) -> GlossaryLinker:
    """Glossary terms are linked unless the page switches that off."""
    return linker if meta.get("glossary_links", True) else NO_GLOSSARY


def read_programs(
    directory: Path, by_id: dict, linker: GlossaryLinker, errors: Collector
) -> dict[str, dict]:
    records = {}
    for doc in documents(directory, errors):
        meta = _check_fields(doc, PROGRAM, errors)
        sources = _source_ids(doc, meta, "sources", by_id, errors)
        rendered = _render_body(doc, _linker_for(meta, linker), errors)
        records[doc.slug] = _record(doc, PROGRAM, meta) | {
            "other_names": _other_names(doc, meta, by_id, errors),
            "parent": meta.get("parent"),
            "also_parents": [str(s) for s in meta.get("also_parents", [])],
            "sources": sources,
            "facts": _facts(doc, meta, by_id, set(sources), errors),
            "body_html": rendered.html,
            "toc": rendered.toc,
            "_links": rendered.links,
        }
        check_sources_name_unit(doc, records[doc.slug], by_id, errors)
    _check_tree(records, errors)
    return records


def check_sources_name_unit(doc: Document, rec: dict, by_id: dict, errors: Collector) -> None:
    """The loader's side of rules.unit_naming_problem, for each source a program cites. A
    source that named the unit in any of its captures names it: a page that has since renamed
    or dropped it is still where the older facts come from (the change report lists such
    names for the editor)."""
    names = [rec["title"], rec["acronym"], *(n["name"] for n in rec["other_names"])]
    for i, sid in enumerate(str(s) for s in doc.meta.get("sources", [])):
        if sid in by_id:
            source = by_id[sid]
            every_capture = "\n\n".join(text for _key, text in source["_captures"])
            problem = rules.unit_naming_problem(
                names, rec["title"], sid, source["short_name"], every_capture
            )
            if problem:
                errors.add(doc, ("sources", i), f"sources[{i}]", problem)


def _check_tree(records: dict[str, dict], errors: Collector) -> None:
    """Parents exist and form no cycle; then derive each record's ancestors and depth."""
    for rec in records.values():
        doc = rec["_doc"]
        parent = rec["parent"]
        if ("programs", parent) in errors.unreadable:
            rec["parent"] = None
        elif parent is not None and parent not in records:
            errors.add(
                doc, ("parent",), "parent", f"no program '{parent}'{suggest(parent, records)}"
            )
            rec["parent"] = None
        for i, other in enumerate(rec["also_parents"]):
            if other not in records and ("programs", other) not in errors.unreadable:
                errors.add(doc, ("also_parents", i), f"also_parents[{i}]", f"no program '{other}'")
    parent_of = {slug: rec["parent"] for slug, rec in records.items()}
    for slug, rec in records.items():
        try:
            chain = rules.ancestors(slug, parent_of)
        except rules.Cycle as cycle:
            errors.add(rec["_doc"], ("parent",), "parent", str(cycle))
            chain = []
        rec["ancestors"] = [[a, records[a]["title"], records[a]["acronym"]] for a in chain]
        rec["depth"] = len(chain)
        path = [(records[a]["order"], a) for a in chain] + [(rec["order"], rec["slug"])]
        rec["tree_order"] = rules.tree_order_key(path)
        _check_tree_order_length(rec, errors)


def _check_tree_order_length(rec: dict, errors: Collector) -> None:
    """The stored tree path (every ancestor's slug) must fit its column, deep trees too."""
    problem = limit_problem(rec["tree_order"], Program._meta.get_field("tree_order"))
    if problem:
        message = f"the path from the top of the tree to this program {problem}; shorten it"
        errors.add(rec["_doc"], ("parent",), "parent", message)


# --- Pages -----------------------------------------------------------------------------------
def read_pages(directory: Path, by_id: dict, errors: Collector) -> dict[str, dict]:
    records = {}
    for doc in documents(directory, errors):
        if doc.slug not in PAGE_SLUGS:
            known = ", ".join(PAGE_SLUGS)
            errors.add(doc, 1, "file name", f"no page is shown at '{doc.slug}' (known: {known})")
        meta = _check_fields(doc, PAGE, errors)
        rendered = _render_body(doc, NO_GLOSSARY, errors)
        records[doc.slug] = _record(doc, PAGE, meta) | {
            "sources": _source_ids(doc, meta, "sources", by_id, errors),
            "body_html": rendered.html,
            "toc": rendered.toc,
            "_links": rendered.links,
        }
    return records


# --- Glossary -------------------------------------------------------------------------------
def _glossary_quote(doc, meta, by_id, errors) -> tuple[str, str | None, str]:
    """The quote's text, its source id and the capture it is pinned to ("" for none)."""
    quote = meta.get("quote")
    if not quote:
        return "", None, ""
    if not part_names(TERM_QUOTE_PARTS, True) <= set(quote) <= part_names(TERM_QUOTE_PARTS):
        message = "must have exactly 'source' and 'text' (and 'capture' to pin it)"
        errors.add(doc, ("quote",), "quote", message)
        return "", None, ""
    sid = str(quote["source"])
    problem = rules.source_id_problem(sid, by_id)
    if problem:
        errors.add(doc, ("quote", "source"), "quote.source", problem)
        return "", None, ""
    text = str(quote["text"])
    pin = _pin(doc, ("quote",), "quote", sid, quote.get("capture"), by_id, errors)
    problem = rules.captured_quote_problem(text, sid, by_id[sid]["_captures"], pin or "")
    if problem:
        errors.add(doc, ("quote", "text"), "quote.text", problem)
    return text, sid, pin or ""


def read_glossary(directory: Path, by_id: dict, errors: Collector) -> dict[str, dict]:
    records = {}
    for doc in documents(directory, errors):
        meta = _check_fields(doc, TERM, errors)
        quote_text, quote_source, quote_capture = _glossary_quote(doc, meta, by_id, errors)
        rendered = _render_body(doc, NO_GLOSSARY, errors)
        records[doc.slug] = _record(doc, TERM, meta) | {
            "related": meta.get("related", []),
            "see_also": meta.get("see_also", []),
            "sources": _source_ids(doc, meta, "sources", by_id, errors),
            "quote_text": quote_text,
            "quote_source": quote_source,
            "quote_capture": quote_capture,
            "body_html": rendered.html,
            "_links": rendered.links,
        }
    _check_unique_names(records, errors)
    return records


def _check_unique_names(records: dict[str, dict], errors: Collector) -> None:
    """The loader's side of rules.name_conflicts: each place a name is repeated is reported."""
    names = {slug: [rec["term"], *rec["acronyms"]] for slug, rec in records.items()}
    for (slug, i), message in rules.name_conflicts(names).items():
        key, field_name = (
            (("term",), "term") if i == 0 else (("acronyms", i - 1), f"acronyms[{i - 1}]")
        )
        errors.add(records[slug]["_doc"], key, field_name, message)


# --- FAQ -------------------------------------------------------------------------------------
def _faq_sources(doc, meta, by_id, errors) -> list[dict]:
    captures = {sid: rec["_captures"] for sid, rec in by_id.items()}
    quotes = []
    for i, item in enumerate(meta.get("sources", [])):
        problems = rules.faq_source_problems(item, captures)
        for where, message in problems:
            key = ("sources", i, where) if where else ("sources", i)
            errors.add(doc, key, f"sources[{i}].{where}" if where else f"sources[{i}]", message)
        if not any(where in ("", "id", "capture") for where, _ in problems):
            pin = {"capture": str(item["capture"])} if item.get("capture") else {}
            quotes.append({"id": str(item["id"]), "quote": str(item["quote"])} | pin)
    return quotes


def read_faq(
    directory: Path, by_id: dict, linker: GlossaryLinker, errors: Collector
) -> dict[str, dict]:
    records = {}
    for doc in documents(directory, errors):
        meta = _check_fields(doc, QUESTION, errors)
        problem = "topic" in meta and rules.topic_problem(meta["topic"])
        if problem:
            errors.add(doc, ("topic",), "topic", problem)
        quotes = _faq_sources(doc, meta, by_id, errors)
        related = [":".join(_split_ref(r)) for r in meta.get("related", [])]
        rendered = _render_body(doc, _linker_for(meta, linker), errors)
        records[doc.slug] = _record(doc, QUESTION, meta) | {
            "source_quotes": quotes,
            "sources": sorted({q["id"] for q in quotes}),
            "related": related,
            "body_html": rendered.html,
            "_links": rendered.links + [_split_ref(r) for r in related],
        }
    _check_most_asked(records, errors)
    return records


def _check_most_asked(records: dict[str, dict], errors: Collector) -> None:
    """`most_asked` is a place in one list, 1 first (0, the default, is not in the list): no
    two questions may share a place."""
    places: dict[int, list[str]] = {}
    for slug, rec in records.items():
        if rec.get("most_asked", 0) > 0:
            places.setdefault(rec["most_asked"], []).append(slug)
    for rank, slugs in places.items():
        for slug in slugs if len(slugs) > 1 else []:
            others = ", ".join(s for s in slugs if s != slug)
            message = f"{rank} is also the place of {others}"
            errors.add(records[slug]["_doc"], ("most_asked",), "most_asked", message)


def _split_ref(ref: str) -> tuple[str, str]:
    kind, _, slug = ref.partition(":")
    return (kind, slug) if slug else (PROGRAM.link, kind)


# --- Search vocabulary ----------------------------------------------------------------------
# A file is read by the search of the same name; only these exist.
SEARCH_FILES = ("synonyms",)
# content/search/*.yml: all YAML, no body; not a kind of page (kinds.py), so its fields are here.
SEARCH_SCHEMA = {
    "synonyms": Field("synonyms", "list"),
    "ignore": Field("ignore", "list"),
    "not_covered": Field("not_covered", "list"),
}


def read_search(directory: Path, errors: Collector) -> dict[str, dict]:
    records = {}
    for doc in documents(directory, errors, suffix=".yml"):
        if doc.slug not in SEARCH_FILES:
            known = ", ".join(f"{s}.yml" for s in SEARCH_FILES)
            errors.add(doc, 1, "file name", f"search reads no '{doc.path.name}' (known: {known})")
        meta = check_fields(doc, SEARCH_SCHEMA, errors)
        seen: dict[tuple, str] = {}  # a word's stems -> where it is first given
        synonyms = _synonym_groups(doc, meta, seen, errors)
        ignore = _ignored_words(doc, meta, seen, errors)
        records[doc.slug] = {
            "slug": doc.slug,
            "synonyms": synonyms,
            "ignore": ignore,
            "not_covered": _not_covered(doc, meta, seen, errors),
            "file_text": doc.text,
            "_doc": doc,
        }
    return records


def _search_word(doc, key, name, value, seen, errors) -> str | None:
    """One word or phrase of the vocabulary: text, with words, given once in the whole file."""
    if isinstance(value, bool):
        message = "must be a word or phrase (YAML reads a bare yes, no, on or off as true or "
        errors.add(doc, key, name, message + "false: put it in quotes)")
        return None
    if not isinstance(value, (str, int)) or not phrase_key(str(value)):
        errors.add(doc, key, name, "must be a word or phrase")
        return None
    text, stems = str(value).strip(), phrase_key(str(value))
    if stems in seen:
        # Word forms count as one word: "mistreated" is given once "mistreatment" is.
        errors.add(doc, key, name, f"'{text}' is already given, as {seen[stems]}")
        return None
    seen[stems] = f"'{text}' in {name} (line {doc.line(*key)})"
    return text


def _synonym_groups(doc, meta, seen, errors) -> list[list[str]]:
    groups = []
    for i, group in enumerate(meta.get("synonyms", [])):
        key, name = ("synonyms", i), f"synonyms[{i}]"
        if not isinstance(group, list) or len(group) < 2:
            errors.add(doc, key, name, "must be a list of two or more words or phrases")
            continue
        found = [
            _search_word(doc, (*key, j), f"{name}[{j}]", value, seen, errors)
            for j, value in enumerate(group)
        ]
        groups.append([w for w in found if w is not None])
    return groups


def _ignored_words(doc, meta, seen, errors) -> list[str]:
    ignore = []
    for i, value in enumerate(meta.get("ignore", [])):
        key, name = ("ignore", i), f"ignore[{i}]"
        if isinstance(value, str) and len(phrase_key(value)) > 1:
            errors.add(doc, key, name, "must be one word: filler is ignored word by word")
            continue
        word = _search_word(doc, key, name, value, seen, errors)
        if word is not None:
            ignore.append(word)
    return ignore


def _not_covered(doc, meta, seen, errors) -> list[dict]:
    topics = []
    for i, item in enumerate(meta.get("not_covered", [])):
        key, name = ("not_covered", i), f"not_covered[{i}]"
        if not isinstance(item, dict) or set(item) != {"topic", "words"}:
            errors.add(doc, key, name, "must have exactly 'topic' and 'words'")
            continue
        topic = item["topic"]
        if not isinstance(topic, str) or not topic.strip():
            errors.add(doc, (*key, "topic"), f"{name}.topic", "must be text")
            continue
        values = item["words"]
        if not isinstance(values, list) or not values:
            errors.add(doc, (*key, "words"), f"{name}.words", "must be a list of words or phrases")
            continue
        found = [
            _search_word(doc, (*key, "words", j), f"{name}.words[{j}]", value, seen, errors)
            for j, value in enumerate(values)
        ]
        topics.append({"topic": topic.strip(), "words": [w for w in found if w is not None]})
    return topics


# --- The whole set ---------------------------------------------------------------------------
def _check_links(content: ContentSet, errors: Collector) -> None:
    """Every internal link in a body names a page that exists in this content set."""
    slugs = {kind.link: content.of(kind).keys() for kind in BY_LINK.values()}
    for rec in content.glossary.values():
        rec["_links"] = rec["_links"] + [(PROGRAM.link, s) for s in rec["related"]]
        rec["_links"] += [(TERM.link, s) for s in rec["see_also"]]
    for _kind, records in content.by_kind():
        for rec in records.values():
            for link, slug in rec.get("_links", ()):
                if link in BY_LINK and (BY_LINK[link].folder, slug) in errors.unreadable:
                    continue
                problem = rules.link_problem(link, slug, slugs.get(link))
                if problem:
                    errors.add(rec["_doc"], *_link_place(rec["_doc"], link, slug), problem)


def _link_place(doc: Document, kind: str, slug: str) -> tuple[int, str]:
    """Where a link is written: in the body, or in a front-matter list of slugs."""
    for n, text in enumerate(doc.body.split("\n")):
        if f"({kind}:{slug}" in text:
            return doc.body_line + n, "body"
    for key in ("related", "see_also"):
        values = [str(v) for v in doc.meta.get(key) or []]
        for i, value in enumerate(values):
            if value in (slug, f"{kind}:{slug}"):
                return doc.line(key, i), f"{key}[{i}]"
    return doc.body_line, "body"


CONTENT_FOLDERS = tuple(kind.folder for kind in KINDS)


def _check_folders(root: Path, errors: Collector) -> None:
    """A mistyped CONTENT_DIR or --content-dir is an error, not an empty site."""
    if not root.is_dir():
        message = "does not exist or is not a folder (check CONTENT_DIR or --content-dir)"
        errors.add(display_path(root), 0, "content folder", message)
        return
    for name in CONTENT_FOLDERS:
        if not (root / name).is_dir():
            errors.add(display_path(root / name), 0, "folder", "is missing")


def read_content(content_dir: Path | None = None) -> ContentSet:
    """Read and check every content file. Raises ContentErrors listing every problem found."""
    # Resolved once: every file read must then sit in exactly this folder's sub-folders.
    root = Path(content_dir or settings.CONTENT_DIR).resolve()
    errors = Collector()
    _check_folders(root, errors)
    if errors.errors:
        raise ContentErrors(errors.errors)
    content = ContentSet()
    content.sources = read_sources(root / "sources", errors)
    by_id = {rec["source_id"]: rec for rec in content.sources.values()}
    # The glossary first: program and FAQ bodies link the first mention of each term.
    content.glossary = read_glossary(root / "glossary", by_id, errors)
    linker = GlossaryLinker.build(
        (r["slug"], r["term"], r["acronyms"]) for r in content.glossary.values() if r["autolink"]
    )
    content.programs = read_programs(root / "programs", by_id, linker, errors)
    content.faq = read_faq(root / "faq", by_id, linker, errors)
    content.pages = read_pages(root / "pages", by_id, errors)
    content.search = read_search(root / "search", errors)
    _check_links(content, errors)
    content.translations = read_translations(root, content, errors)
    if errors.errors:
        raise ContentErrors(errors.errors)
    for records in [records for _kind, records in content.by_kind()] + [content.search]:
        for rec in records.values():
            rec["content_hash"] = _fingerprint(
                {k: v for k, v in rec.items() if not k.startswith("_")}
            )
    return content
