"""Read and validate the content files into plain records; no database here.

`read_content(content_dir)` returns a `ContentSet` or raises `ContentErrors` listing every problem
as `path:line: field: message`. Writing the records is `programs.sync`'s job, so that the whole
set is checked before anything is written and a bad edit never reaches the site.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .content_files import (
    Collector,
    ContentErrors,
    Document,
    check_fields,
    documents,
    normalize_space,
    read_text,
    suggest,
)
from .markdown import NO_GLOSSARY, GlossaryLinker, render
from .models import tree_order_key
from .words import phrase_key

SOURCE_ID = re.compile(r"^[0-9]{3}$")


# --- Schemas ---------------------------------------------------------------------------------
# Each field: (required, kind). Kinds are checked by `content_files.check_kind`.
SCHEMAS: dict[str, dict[str, tuple[bool, str]]] = {
    "sources": {
        "id": (True, "str"),
        "title": (True, "str"),
        "short_name": (True, "str"),
        "kind": (True, "str"),
        "date_line": (False, "str"),
        "date": (False, "date"),
        "latest_year": (True, "int"),
        "capture": (True, "str"),
        "reviewed": (True, "date"),
    },
    "programs": {
        "title": (True, "str"),
        "acronym": (False, "str"),
        "other_names": (False, "list"),
        "parent": (False, "str"),
        "also_parents": (False, "list"),
        "order": (False, "int"),
        "summary": (True, "str"),
        "sources": (True, "list"),
        "facts": (False, "list"),
        "glossary_links": (False, "bool"),
        "reviewed": (True, "date"),
    },
    "glossary": {
        "term": (True, "str"),
        "acronyms": (False, "list"),
        "also_known_as": (False, "list"),
        "related": (False, "list"),
        "see_also": (False, "list"),
        "sources": (True, "list"),
        "quote": (False, "mapping"),
        "defined_in_sources": (False, "bool"),
        "autolink": (False, "bool"),
        "reviewed": (True, "date"),
    },
    "faq": {
        "question": (True, "str"),
        "topic": (True, "str"),
        "order": (False, "int"),
        "most_asked": (False, "int"),
        "related": (False, "list"),
        "sources": (True, "list"),
        "glossary_links": (False, "bool"),
        "reviewed": (True, "date"),
    },
    "pages": {
        "title": (True, "str"),
        "summary": (True, "str"),
        "sources": (False, "list"),
        "reviewed": (True, "date"),
    },
    # content/search/*.yml: all YAML, no body.
    "search": {
        "synonyms": (False, "list"),
        "ignore": (False, "list"),
        "not_covered": (False, "list"),
    },
}
# FAQ topics, in the order the FAQ page shows them.
FAQ_TOPICS = (
    "Finding someone and getting help",
    "Detention and health care",
    "Release and alternatives to detention",
    "Removal and court hearings",
    "Arrests and fugitive operations",
    "Jails, prisons and 287(g)",
    "Other ways to contact ICE",
    "About ERO",
)
FACT_FIELDS = {"figure", "label", "source", "quote"}
OTHER_NAME_FIELDS = {"name", "kind", "source"}
OTHER_NAME_KINDS = {"also", "formerly"}


@dataclass
class ContentSet:
    sources: dict[str, dict] = field(default_factory=dict)  # by slug
    programs: dict[str, dict] = field(default_factory=dict)
    pages: dict[str, dict] = field(default_factory=dict)
    glossary: dict[str, dict] = field(default_factory=dict)
    faq: dict[str, dict] = field(default_factory=dict)
    search: dict[str, dict] = field(default_factory=dict)


def _has_required(meta: dict, kind: str) -> bool:
    return all(name in meta for name, (required, _) in SCHEMAS[kind].items() if required)


def _fingerprint(record: dict) -> str:
    """A stable hash of a record, so a load can tell changed records from unchanged ones."""
    data = json.dumps(record, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


# --- Sources ---------------------------------------------------------------------------------
def read_sources(directory: Path, errors: Collector) -> dict[str, dict]:
    records = {}
    ids: dict[str, str] = {}
    for doc in documents(directory, errors):
        meta = check_fields(doc, SCHEMAS["sources"], errors)
        sid = meta.get("id")
        if sid is not None:
            if not SOURCE_ID.match(sid):
                errors.add(doc, ("id",), "id", 'must be three digits, like "002"')
            elif sid in ids:
                errors.add(doc, ("id",), "id", f'"{sid}" is also used by {ids[sid]}')
            ids[sid] = doc.display
        text = None
        if "capture" in meta:
            capture = directory / meta["capture"]
            if capture.parent != directory or not capture.is_file():
                errors.add(doc, ("capture",), "capture", f"no file {meta['capture']!r} beside it")
            else:
                text = read_text(capture, errors)
        date_line = doc.meta.get("date_line") or ""
        if text and date_line and date_line not in text:
            errors.add(doc, ("date_line",), "date_line", "does not occur in the captured text")
        if not text or not _has_required(meta, "sources"):
            continue
        rendered = render(doc.body)
        records[doc.slug] = {
            "slug": doc.slug,
            "source_id": sid,
            "title": meta["title"],
            "short_name": meta["short_name"],
            "kind": meta["kind"],
            "date_line": date_line,
            "date": meta.get("date"),
            "latest_year": meta.get("latest_year"),
            "capture_file": meta["capture"],
            "text": text,
            "body": doc.body,
            "body_html": rendered.html,
            "reviewed": meta.get("reviewed"),
            "file_text": doc.text,
            "_doc": doc,
            "_normalized": normalize_space(text),
            "_folded": normalize_space(text).casefold(),
        }
    return records


# --- Programs --------------------------------------------------------------------------------
def _source_ids(doc, meta, key, by_id, errors) -> list[str]:
    ids = []
    for i, sid in enumerate(meta.get(key, [])):
        sid = str(sid)
        if sid not in by_id:
            errors.add(doc, (key, i), f"{key}[{i}]", f'unknown source id "{sid}"{_known(by_id)}')
        else:
            ids.append(sid)
    return ids


def _known(by_id: dict) -> str:
    return " (known: " + ", ".join(sorted(by_id)) + ")"


def check_quote(doc, key, name, sid, quote, by_id, errors, figure=None) -> None:
    """A quote must occur in its source's text; a figure must occur in its quote."""
    if sid not in by_id or not isinstance(quote, str):
        return
    if normalize_space(quote) not in by_id[sid]["_normalized"]:
        errors.add(doc, (*key, "quote"), f"{name}.quote", f'does not occur in source "{sid}"')
    if figure is not None and normalize_space(str(figure)) not in normalize_space(quote):
        errors.add(doc, (*key, "figure"), f"{name}.figure", f"{figure!r} does not occur in quote")


def _facts(doc, meta, by_id, page_sources, errors) -> list[dict]:
    facts = []
    for i, fact in enumerate(meta.get("facts", [])):
        key, name = ("facts", i), f"facts[{i}]"
        if not isinstance(fact, dict):
            errors.add(doc, key, name, "must be a mapping with figure, label, source, quote")
            continue
        for missing in sorted(FACT_FIELDS - set(fact)):
            errors.add(doc, key, f"{name}.{missing}", "is required")
        for unknown in sorted(set(fact) - FACT_FIELDS):
            errors.add(doc, (*key, unknown), f"{name}.{unknown}", "unknown field")
        if not set(fact) >= FACT_FIELDS:
            continue
        sid = str(fact["source"])
        if sid not in by_id:
            errors.add(doc, (*key, "source"), f"{name}.source", f'unknown source id "{sid}"')
        elif sid not in page_sources:
            errors.add(doc, (*key, "source"), f"{name}.source", f'"{sid}" is not in sources')
        check_quote(doc, key, name, sid, fact["quote"], by_id, errors, figure=fact["figure"])
        facts.append({k: str(fact[k]) for k in ("figure", "label", "quote")} | {"source": sid})
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
        if sid not in by_id:
            errors.add(doc, (*key, "source"), f"{name}.source", f'unknown source id "{sid}"')
        names.append({"name": str(item["name"]), "kind": kind, "source": sid})
    return names


def _render_body(doc: Document, meta: dict, linker: GlossaryLinker):
    """Render a body, linking glossary terms unless the page switches that off."""
    return render(doc.body, linker if meta.get("glossary_links", True) else NO_GLOSSARY)


def read_programs(
    directory: Path, by_id: dict, linker: GlossaryLinker, errors: Collector
) -> dict[str, dict]:
    records = {}
    for doc in documents(directory, errors):
        meta = check_fields(doc, SCHEMAS["programs"], errors)
        sources = _source_ids(doc, meta, "sources", by_id, errors)
        rendered = _render_body(doc, meta, linker)
        records[doc.slug] = {
            "slug": doc.slug,
            "title": meta.get("title", ""),
            "acronym": meta.get("acronym", ""),
            "other_names": _other_names(doc, meta, by_id, errors),
            "parent": meta.get("parent"),
            "also_parents": [str(s) for s in meta.get("also_parents", [])],
            "order": meta.get("order", 0),
            "summary": meta.get("summary", ""),
            "sources": sources,
            "facts": _facts(doc, meta, by_id, set(sources), errors),
            "glossary_links": meta.get("glossary_links", True),
            "body": doc.body,
            "body_html": rendered.html,
            "toc": rendered.toc,
            "reviewed": meta.get("reviewed"),
            "file_text": doc.text,
            "_doc": doc,
            "_links": rendered.links,
        }
        check_sources_name_unit(doc, records[doc.slug], by_id, errors)
    _check_tree(records, errors)
    return records


def check_sources_name_unit(doc: Document, rec: dict, by_id: dict, errors: Collector) -> None:
    """A page cites a source only if the source names the unit: its title, acronym or one of
    its other names as whole words, ignoring case and white space ("ERO" inside
    "interoperability" is no mention). A source that does not mention the unit is a sentence in
    the text ("the ERO page does not mention it"), not a citation. A page about a source itself
    (its title names the source, like the group of programs on the older partners page) may
    cite that source."""
    names = [rec["title"], rec["acronym"], *(n["name"] for n in rec["other_names"])]
    mentions = [_whole_words(n) for n in names if n]
    title = normalize_space(rec["title"]).casefold()
    for i, sid in enumerate(str(s) for s in doc.meta.get("sources", [])):
        if sid not in by_id or any(m.search(by_id[sid]["_folded"]) for m in mentions):
            continue
        if normalize_space(by_id[sid]["short_name"]).casefold().removeprefix("the ") in title:
            continue
        errors.add(
            doc,
            ("sources", i),
            f"sources[{i}]",
            f'source "{sid}" does not name this unit (its title, acronym or other names); '
            "cite only sources that name it, and say in the text if a page does not",
        )


def _whole_words(name: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(normalize_space(name).casefold())}(?!\w)")


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
    for slug, rec in records.items():
        chain, node = [], rec
        while node["parent"] is not None:
            if node["parent"] == slug or node["parent"] in chain:
                cycle = " -> ".join([slug, *chain, node["parent"]])
                errors.add(rec["_doc"], ("parent",), "parent", f"makes a cycle: {cycle}")
                chain = []
                break
            chain.append(node["parent"])
            node = records[node["parent"]]
        rec["ancestors"] = [
            [a, records[a]["title"], records[a]["acronym"]] for a in reversed(chain)
        ]
        rec["depth"] = len(chain)
        path = [(records[a]["order"], a) for a in reversed(chain)] + [(rec["order"], rec["slug"])]
        rec["tree_order"] = tree_order_key(path)


# --- Pages -----------------------------------------------------------------------------------
# A page is shown by the route of the same name.
PAGE_SLUGS = ("home", "about", "resources")


def read_pages(directory: Path, by_id: dict, errors: Collector) -> dict[str, dict]:
    records = {}
    for doc in documents(directory, errors):
        if doc.slug not in PAGE_SLUGS:
            known = ", ".join(PAGE_SLUGS)
            errors.add(doc, 1, "file name", f"no page is shown at '{doc.slug}' (known: {known})")
        meta = check_fields(doc, SCHEMAS["pages"], errors)
        rendered = render(doc.body)
        records[doc.slug] = {
            "slug": doc.slug,
            "title": meta.get("title", ""),
            "summary": meta.get("summary", ""),
            "sources": _source_ids(doc, meta, "sources", by_id, errors),
            "body": doc.body,
            "body_html": rendered.html,
            "toc": rendered.toc,
            "reviewed": meta.get("reviewed"),
            "file_text": doc.text,
            "_doc": doc,
            "_links": rendered.links,
        }
    return records


# --- Glossary -------------------------------------------------------------------------------
def _strings(doc, meta, key, errors) -> list[str]:
    values = []
    for i, item in enumerate(meta.get(key, [])):
        if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item):
            errors.add(doc, (key, i), f"{key}[{i}]", "must be text")
        else:
            values.append(str(item).strip())
    return values


def _glossary_quote(doc, meta, by_id, errors) -> tuple[str, str | None]:
    quote = meta.get("quote")
    if not quote:
        return "", None
    if set(quote) != {"source", "text"}:
        errors.add(doc, ("quote",), "quote", "must have exactly 'source' and 'text'")
        return "", None
    sid = str(quote["source"])
    if sid not in by_id:
        errors.add(doc, ("quote", "source"), "quote.source", f'unknown source id "{sid}"')
        return "", None
    text = str(quote["text"])
    if normalize_space(text) not in by_id[sid]["_normalized"]:
        errors.add(doc, ("quote", "text"), "quote.text", f'does not occur in source "{sid}"')
    return text, sid


def read_glossary(directory: Path, by_id: dict, errors: Collector) -> dict[str, dict]:
    records = {}
    for doc in documents(directory, errors):
        meta = check_fields(doc, SCHEMAS["glossary"], errors)
        quote_text, quote_source = _glossary_quote(doc, meta, by_id, errors)
        rendered = render(doc.body)
        records[doc.slug] = {
            "slug": doc.slug,
            "term": meta.get("term", ""),
            "acronyms": _strings(doc, meta, "acronyms", errors),
            "also_known_as": _strings(doc, meta, "also_known_as", errors),
            "related": _strings(doc, meta, "related", errors),
            "see_also": _strings(doc, meta, "see_also", errors),
            "sources": _source_ids(doc, meta, "sources", by_id, errors),
            "quote_text": quote_text,
            "quote_source": quote_source,
            "defined_in_sources": meta.get("defined_in_sources", True),
            "autolink": meta.get("autolink", True),
            "body": doc.body,
            "body_html": rendered.html,
            "reviewed": meta.get("reviewed"),
            "file_text": doc.text,
            "_doc": doc,
            "_links": rendered.links,
        }
    _check_unique_names(records, errors)
    return records


def _check_unique_names(records: dict[str, dict], errors: Collector) -> None:
    """A term or an acronym may be defined once; every entry that repeats one is reported."""
    owners: dict[str, list[tuple[str, tuple, str]]] = {}
    for slug, rec in records.items():
        places = [(("term",), "term", rec["term"])]
        places += [(("acronyms", i), f"acronyms[{i}]", a) for i, a in enumerate(rec["acronyms"])]
        for key, field_name, name in places:
            owners.setdefault(name.casefold(), []).append((slug, key, field_name, name))
    for places in owners.values():
        slugs = {slug for slug, *_ in places}
        if len(slugs) < 2:
            continue
        for slug, key, field_name, name in places:
            others = ", ".join(sorted(slugs - {slug}))
            message = f"'{name}' is already defined in {others}"
            errors.add(records[slug]["_doc"], key, field_name, message)


# --- FAQ -------------------------------------------------------------------------------------
def _faq_sources(doc, meta, by_id, errors) -> list[dict]:
    quotes = []
    for i, item in enumerate(meta.get("sources", [])):
        key, name = ("sources", i), f"sources[{i}]"
        if not isinstance(item, dict) or set(item) != {"id", "quote"}:
            errors.add(doc, key, name, "must have exactly 'id' and 'quote'")
            continue
        sid = str(item["id"])
        if sid not in by_id:
            errors.add(doc, (*key, "id"), f"{name}.id", f'unknown source id "{sid}"')
            continue
        check_quote(doc, key, name, sid, item["quote"], by_id, errors)
        quotes.append({"id": sid, "quote": str(item["quote"])})
    return quotes


def read_faq(
    directory: Path, by_id: dict, linker: GlossaryLinker, errors: Collector
) -> dict[str, dict]:
    records = {}
    for doc in documents(directory, errors):
        meta = check_fields(doc, SCHEMAS["faq"], errors)
        topic = meta.get("topic")
        if topic is not None and topic not in FAQ_TOPICS:
            errors.add(doc, ("topic",), "topic", f"unknown topic{suggest(topic, FAQ_TOPICS)}")
        quotes = _faq_sources(doc, meta, by_id, errors)
        related = [":".join(_split_ref(r)) for r in _strings(doc, meta, "related", errors)]
        rendered = _render_body(doc, meta, linker)
        records[doc.slug] = {
            "slug": doc.slug,
            "question": meta.get("question", ""),
            "topic": topic or "",
            "order": meta.get("order", 0),
            "most_asked": meta.get("most_asked"),
            "source_quotes": quotes,
            "sources": sorted({q["id"] for q in quotes}),
            "related": related,
            "glossary_links": meta.get("glossary_links", True),
            "body": doc.body,
            "body_html": rendered.html,
            "reviewed": meta.get("reviewed"),
            "file_text": doc.text,
            "_doc": doc,
            "_links": rendered.links + [_split_ref(r) for r in related],
        }
    _check_most_asked(records, errors)
    return records


def _check_most_asked(records: dict[str, dict], errors: Collector) -> None:
    """`most_asked` is a place in one list: 1 or more, and no two questions in the same place."""
    places: dict[int, list[str]] = {}
    for slug, rec in records.items():
        rank = rec["most_asked"]
        if rank is None:
            continue
        if rank < 1:
            errors.add(rec["_doc"], ("most_asked",), "most_asked", "must be 1 or more")
            rec["most_asked"] = None
            continue
        places.setdefault(rank, []).append(slug)
    for rank, slugs in places.items():
        for slug in slugs if len(slugs) > 1 else []:
            others = ", ".join(s for s in slugs if s != slug)
            message = f"{rank} is also the place of {others}"
            errors.add(records[slug]["_doc"], ("most_asked",), "most_asked", message)


def _split_ref(ref: str) -> tuple[str, str]:
    kind, _, slug = ref.partition(":")
    return (kind, slug) if slug else ("program", kind)


# --- Search vocabulary ----------------------------------------------------------------------
# A file is read by the search of the same name; only these exist.
SEARCH_FILES = ("synonyms",)


def read_search(directory: Path, errors: Collector) -> dict[str, dict]:
    records = {}
    for doc in documents(directory, errors, suffix=".yml"):
        if doc.slug not in SEARCH_FILES:
            known = ", ".join(f"{s}.yml" for s in SEARCH_FILES)
            errors.add(doc, 1, "file name", f"search reads no '{doc.path.name}' (known: {known})")
        meta = check_fields(doc, SCHEMAS["search"], errors)
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
    targets = {
        "program": content.programs,
        "source": content.sources,
        "term": content.glossary,
        "faq": content.faq,
    }
    for rec in content.glossary.values():
        rec["_links"] = rec["_links"] + [("program", s) for s in rec["related"]]
        rec["_links"] += [("term", s) for s in rec["see_also"]]
    for records in (content.programs, content.pages, content.glossary, content.faq):
        for rec in records.values():
            doc = rec["_doc"]
            for kind, slug in rec["_links"]:
                if kind in targets and slug in targets[kind]:
                    continue
                if (LINK_DIRECTORIES.get(kind), slug) in errors.unreadable:
                    continue
                if kind not in targets:
                    known = ", ".join(f"{k}:" for k in targets)
                    message = f"link to {kind}:{slug}: unknown kind of link (use {known})"
                    errors.add(doc, *_link_place(doc, kind, slug), message)
                    continue
                hint = suggest(slug, targets.get(kind, {}))
                message = f"link to {kind}:{slug}: no such {kind}{hint}"
                errors.add(doc, *_link_place(doc, kind, slug), message)


LINK_DIRECTORIES = {"program": "programs", "term": "glossary", "faq": "faq", "source": "sources"}


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


def read_content(content_dir: Path | None = None) -> ContentSet:
    """Read and check every content file. Raises ContentErrors listing every problem found."""
    root = Path(content_dir or settings.CONTENT_DIR)
    errors = Collector()
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
    if errors.errors:
        raise ContentErrors(errors.errors)
    for records in (
        content.sources,
        content.programs,
        content.pages,
        content.glossary,
        content.faq,
        content.search,
    ):
        for rec in records.values():
            rec["content_hash"] = _fingerprint(
                {k: v for k, v in rec.items() if not k.startswith("_")}
            )
    return content
