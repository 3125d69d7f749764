"""Read and check the translated content files: `content/es/<folder>/<slug>.md`.

A translation holds only translated words: title, summary, body, question, Spanish names and
aliases, each fact's figure in Spanish words and its label, and this site's rendering of each
quote. Facts, quotes, sources and the tree stay single-sourced in the English file, its twin,
which must exist. Each translation records the English file it was translated from
(`translated_from`: the first 12 hex digits of the SHA-256 of its bytes); `check_content` warns
when the English file has changed since.

The English quotes a translated body cites are written `[[en: exact words]]`; each must occur in
a source, as every quote on the site must. A fact's Spanish figure writes every number of its
English figure exactly as the English does: "more than 37,000" is "más de 37,000".
"""

import hashlib
import json
from collections import Counter
from pathlib import Path

from .content_files import NUMBER, Collector, Document, check_fields, documents, normalize_space
from .kinds import BY_LINK, KINDS, Field, Kind
from .markdown import (
    NO_GLOSSARY,
    QUOTED_ENGLISH,
    GlossaryLinker,
    Rendered,
    markdown_problems,
    render,
)

# Languages the site is translated into, each a folder of content/.
LANGUAGES = ("es",)
HASH_LENGTH = 12
TRANSLATED_FROM = Field("translated_from", "str", required=True)
FACT_FIELDS = ("figure", "label", "quote")


def schema(kind: Kind) -> dict[str, Field]:
    """The fields of a translation of `kind`: where it came from, then what the registry lists."""
    return {f.name: f for f in (TRANSLATED_FROM, *kind.translated)}


def english_hash(file_text: str) -> str:
    """What `translated_from` records: the start of the SHA-256 of the English file's bytes."""
    return hashlib.sha256(file_text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def read_translations(root: Path, content, errors: Collector) -> dict[tuple, dict]:
    """Every translation under `root`/<language>/, checked against the English `content`.

    Returns {(language, kind, slug): record}. Sources and the glossary are read first: program
    and FAQ bodies link the first mention of each translated term.
    """
    records: dict[tuple, dict] = {}
    # A translation's [[en: ...]] quote names no source or capture: any capture will do.
    all_sources = [
        normalize_space(text) for rec in content.sources.values() for _key, text in rec["_captures"]
    ]
    english_unreadable = set(errors.unreadable)
    for language in LANGUAGES:
        linker = NO_GLOSSARY
        for kind in KINDS:  # the glossary before programs and the FAQ, which link its terms
            folder = kind.folder
            directory = root / language / folder
            if not directory.is_dir():
                continue
            english = content.of(kind)
            for doc in documents(directory, errors):
                en = english.get(doc.slug)
                if en is None and (folder, doc.slug) in english_unreadable:
                    continue  # the English file's own errors say what is wrong
                if en is None:
                    errors.add(
                        doc,
                        1,
                        "file name",
                        f"no English file {folder}/{doc.slug}.md: a translation needs its "
                        "English twin, with the same slug",
                    )
                    continue
                rec = _read_one(doc, kind, en, language, linker, all_sources, errors)
                records[(language, rec["kind"], doc.slug)] = rec
            if folder == "glossary":
                linker = _linker(records, content, language)
    _check_links(records, content, english_unreadable, errors)
    return records


def _linker(records: dict, content, language: str) -> GlossaryLinker:
    """The first mention of a translated term, or of its acronym, links to its entry."""
    terms = []
    for (lang, kind, slug), rec in records.items():
        if lang == language and kind == "term" and rec["_english"]["autolink"]:
            terms.append((slug, rec["fields"].get("term", slug), rec["_english"]["acronyms"]))
    return GlossaryLinker.build(terms)


def _read_one(doc, kind: Kind, en, language, linker, all_sources, errors) -> dict:
    folder = kind.folder
    meta = check_fields(doc, schema(kind), errors)
    fields = {k: v for k, v in meta.items() if k not in {"translated_from", "facts"}}
    if folder == "programs":
        fields["facts"] = _facts(doc, meta, en, errors)
    elif folder == "faq":
        fields["quotes"] = _quotes(doc, meta, en, errors)
    elif folder == "glossary" and bool(meta.get("quote")) != bool(en["quote_text"]):
        errors.add(
            doc,
            ("quote",),
            "quote",
            "give this site's rendering of the English quote exactly when the English file "
            "has a quote" + ("" if en["quote_text"] else " (it has none)"),
        )
    _check_quoted_english(doc, all_sources, errors)
    linked = folder in {"programs", "faq"} and en.get("glossary_links", True)
    rendered = _render_body(doc, linker if linked else NO_GLOSSARY, language, errors)
    rec = {
        "kind": kind.name,
        "slug": doc.slug,
        "language": language,
        "translated_from": str(meta.get("translated_from", "")),
        "fields": fields,
        "body_html": rendered.html,
        "toc": rendered.toc,
        "file_text": doc.text,
    }
    rec["content_hash"] = hashlib.sha256(
        json.dumps(rec, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    return rec | {"_doc": doc, "_english": en, "_links": rendered.links}


def _render_body(doc: Document, linker, language: str, errors: Collector) -> Rendered:
    """As the English loader: each markdown limit the body exceeds is reported, not rendered."""
    problems = markdown_problems(doc.body)
    for line, message in problems:
        errors.add(doc, doc.body_line + line - 1, "body", message)
    return Rendered(html="") if problems else render(doc.body, linker, language)


def _facts(doc: Document, meta: dict, en: dict, errors: Collector) -> list[dict]:
    """One {figure, label, quote} per English fact, in the same order. `figure` is the English
    figure in Spanish words; only a fact whose English figure is empty may leave it out."""
    given = meta.get("facts") or []
    if len(given) != len(en["facts"]):
        errors.add(
            doc,
            ("facts",),
            "facts",
            f"{len(given)} given; the English file has {len(en['facts'])}: one "
            "{figure, label, quote} per English fact, in the same order",
        )
    facts = []
    # Facts beyond the English count are reported above; they have no figure to check against.
    for i, (fact, english) in enumerate(zip(given, en["facts"], strict=False)):
        key, name = ("facts", i), f"facts[{i}]"
        if not isinstance(fact, dict):
            errors.add(doc, key, name, "must be a mapping with figure, label and quote")
            continue
        required = [f for f in FACT_FIELDS if f != "figure" or english["figure"].strip()]
        missing = [f for f in required if fact.get(f) in (None, "")]
        unknown = sorted(set(fact) - set(FACT_FIELDS))
        for field_name in missing:
            errors.add(doc, key, f"{name}.{field_name}", "is required" + _hint(field_name, i, en))
        for field_name in unknown:
            errors.add(doc, (*key, field_name), f"{name}.{field_name}", "unknown field")
        if missing or unknown:
            continue
        translated = {k: str(fact.get(k) or "").strip() for k in FACT_FIELDS}
        _check_figure(doc, i, translated["figure"], en, errors)
        facts.append(translated)
    return facts


def _hint(field_name: str, i: int, en: dict) -> str:
    if field_name != "figure":
        return ""
    return (
        f": the English figure {en['facts'][i]['figure']!r} in Spanish words, its numbers "
        'written as the English writes them ("more than 37,000" is "más de 37,000")'
    )


def _quotes(doc: Document, meta: dict, en: dict, errors: Collector) -> list[str]:
    """One rendering per English supporting quote (`sources:`), in the same order."""
    quotes = meta.get("quotes", [])
    expected = len(en["_doc"].meta.get("sources") or [])
    if len(meta.get("quotes") or []) != expected:
        errors.add(
            doc,
            ("quotes",),
            "quotes",
            f"{len(meta.get('quotes') or [])} given; the English file has {expected} sources: "
            "one rendering of each source's quote, in the same order",
        )
    return quotes


def _check_figure(doc: Document, i: int, spanish: str, en: dict, errors: Collector) -> None:
    """Every number of the English figure is in the Spanish one exactly as written: words may
    change around a figure, the figure itself never ("37,000", never "37.000" or "37 000")."""
    english = en["facts"][i]["figure"]
    lost = Counter(NUMBER.findall(english)) - Counter(NUMBER.findall(spanish))
    for number in lost:
        errors.add(
            doc,
            ("facts", i, "figure"),
            f"facts[{i}].figure",
            f"{spanish!r} does not write the number {number} of the English figure "
            f"{english!r} (facts[{i}] of {en['_doc'].display}); write it exactly as the "
            "English does",
        )


def _check_quoted_english(doc: Document, all_sources: list[str], errors: Collector) -> None:
    for match in QUOTED_ENGLISH.finditer(doc.body):
        quote = normalize_space(match.group(1))
        if not any(quote in text for text in all_sources):
            line = doc.body_line + doc.body[: match.start()].count("\n")
            shown = quote if len(quote) <= 60 else quote[:57] + "..."
            errors.add(doc.display, line, "body", f"[[en: {shown}]] does not occur in any source")


def _check_links(records: dict, content, unreadable: set, errors: Collector) -> None:
    for rec in records.values():
        for kind, slug in rec["_links"]:
            target = BY_LINK.get(kind)
            if target is not None and (target.folder, slug) in unreadable:
                continue  # the target's own file is reported
            if target is None or slug not in content.of(target):
                doc = rec["_doc"]
                line = next(
                    (
                        doc.body_line + n
                        for n, text in enumerate(doc.body.split("\n"))
                        if f"({kind}:{slug}" in text
                    ),
                    doc.body_line,
                )
                errors.add(doc.display, line, "body", f"link to {kind}:{slug}: no such page")


def translation_warnings(content) -> list[str]:
    """Translations whose English file has changed since they were made."""
    warnings = []
    for rec in content.translations.values():
        now = english_hash(rec["_english"]["file_text"])
        if rec["translated_from"] != now:
            doc = rec["_doc"]
            warnings.append(
                f"{doc.display}:{doc.line('translated_from')}: translated_from: the English "
                f"file has changed since this translation ({rec['translated_from']}, now "
                f'{now}); bring the translation up to date, then set translated_from: "{now}"'
            )
    return warnings
