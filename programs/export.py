"""Database records back to content files, in the same format the loader reads.

Loaded records keep their file's exact text (`file_text`), so a load followed by an export
rewrites every file byte for byte. A record saved in the admin gets its file text from
`file_text_for`, which writes the fields in the order of the loader's schema.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings

from .content import SCHEMAS, ContentErrors, read_content
from .models import ContentItem, GlossaryTerm, Page, Program, Question, Source, text_hash

# A record's kind -> its directory in content/, which is also its schema's name.
DIRECTORIES = {
    "source": "sources",
    "program": "programs",
    "term": "glossary",
    "question": "faq",
    "page": "pages",
}


class _Dumper(yaml.SafeDumper):
    """Lists of plain values on one line, lists of mappings as indented blocks."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _represent_str(dumper, value: str):
    style = '"' if value.isdigit() or "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def front_matter_values(obj: ContentItem) -> dict:
    """The record's front-matter fields, by kind; optional ones left out when empty."""
    if isinstance(obj, Program):
        return {
            "title": obj.title,
            "acronym": obj.acronym,
            "other_names": obj.other_names,
            "parent": obj.parent.slug if obj.parent_id else None,
            "also_parents": [p.slug for p in obj.also_parents.all()],
            "order": obj.order,
            "summary": obj.summary,
            "sources": [s.source_id for s in obj.sources.all()],
            "facts": [
                {
                    "figure": f.figure,
                    "label": f.label,
                    "source": f.source.source_id,
                    "quote": f.quote,
                }
                for f in obj.facts.select_related("source")
            ],
            "glossary_links": obj.glossary_links,
            "reviewed": obj.reviewed,
        }
    if isinstance(obj, GlossaryTerm):
        quote = None
        if obj.quote_text and obj.quote_source_id:
            quote = {"source": obj.quote_source.source_id, "text": obj.quote_text}
        return {
            "term": obj.term,
            "acronyms": obj.acronyms,
            "also_known_as": obj.also_known_as,
            "related": [p.slug for p in obj.related.all()],
            "see_also": [t.slug for t in obj.see_also.all()],
            "sources": [s.source_id for s in obj.sources.all()],
            "quote": quote,
            "defined_in_sources": obj.defined_in_sources,
            "autolink": obj.autolink,
            "reviewed": obj.reviewed,
        }
    if isinstance(obj, Question):
        related = [f"program:{p.slug}" for p in obj.related_programs.all()]
        related += [f"term:{t.slug}" for t in obj.related_terms.all()]
        return {
            "question": obj.question,
            "topic": obj.topic,
            "order": obj.order,
            "most_asked": obj.most_asked,
            "related": related,
            "sources": obj.source_quotes,
            "glossary_links": obj.glossary_links,
            "reviewed": obj.reviewed,
        }
    if isinstance(obj, Page):
        return {
            "title": obj.title,
            "summary": obj.summary,
            "sources": [s.source_id for s in obj.sources.all()],
            "reviewed": obj.reviewed,
        }
    if isinstance(obj, Source):
        return {
            "id": obj.source_id,
            "title": obj.title,
            "short_name": obj.short_name,
            "kind": obj.kind,
            "date_line": obj.date_line,
            "date": obj.date,
            "latest_year": obj.latest_year,
            "capture": obj.capture_file,
            "reviewed": obj.reviewed,
        }
    raise TypeError(obj)


def file_text_for(obj: ContentItem) -> str:
    """The content file for a record, fields in the loader's schema order."""
    values = front_matter_values(obj)
    order = list(SCHEMAS[DIRECTORIES[obj.KIND]])
    # Empty values and switches left at their default (true) are not written.
    meta = {
        k: values[k]
        for k in order
        if values.get(k) is not True and values.get(k) not in (None, "", [], {})
    }
    if obj.KIND == "program" and obj.order == 0:
        meta.pop("order", None)
    front = yaml.dump(
        meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000,
        default_flow_style=None,
    )  # fmt: skip
    return f"---\n{front}---\n{obj.body}"


@dataclass
class ExportResult:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    untracked: list[str] = field(default_factory=list)  # files with no record: left alone


class FilesChangedSinceLoad(Exception):
    """Files edited on disk since the last load: exporting would overwrite those edits."""

    def __init__(self, paths: list[str]):
        self.paths = paths
        super().__init__(", ".join(paths))


def _planned_writes(root: Path) -> tuple[dict[Path, tuple[ContentItem, str]], set[Path]]:
    """Every file the database says should exist, with its text and its record."""
    planned: dict[Path, tuple[ContentItem, str]] = {}
    for model in (Source, Program, GlossaryTerm, Question, Page):
        for obj in model.objects.all():
            planned[root / DIRECTORIES[obj.KIND] / f"{obj.slug}.md"] = (obj, obj.file_text)
            if isinstance(obj, Source):
                planned[root / "sources" / obj.capture_file] = (obj, obj.text)
    return planned, set(planned)


def export_content(content_dir: Path | None = None, force: bool = False) -> ExportResult:
    """Write every record's file; files that have no record are reported, never deleted.

    All or nothing: if any file was changed on disk since it was last loaded or exported (an
    edit nobody has loaded), nothing is written unless `force`.
    """
    root = Path(content_dir or settings.CONTENT_DIR)
    planned, known = _planned_writes(root)
    result = ExportResult()
    conflicts = []
    for path, (obj, text) in planned.items():
        if not path.exists() or not path.name.endswith(".md"):
            continue
        on_disk = text_hash(path.read_text(encoding="utf-8", errors="replace"))
        if on_disk not in {obj.file_hash, text_hash(text)} and obj.file_hash:
            conflicts.append(str(path.relative_to(root)))
    if conflicts and not force:
        raise FilesChangedSinceLoad(sorted(conflicts))
    for path, (obj, text) in planned.items():
        if path.exists() and path.read_bytes() == text.encode("utf-8"):
            result.unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        result.written.append(str(path.relative_to(root)))
        if path.name.endswith(".md"):
            type(obj).objects.filter(pk=obj.pk).update(file_hash=text_hash(text))
    for directory in set(DIRECTORIES.values()):
        for path in sorted((root / directory).glob("*")):
            if path.is_file() and path not in known:
                result.untracked.append(str(path.relative_to(root)))
    _mark_exported(root)
    return result


def _mark_exported(root: Path) -> None:
    """The files now hold the admin edits: record them as loaded, so a load is a no-op."""
    try:
        content = read_content(root)
    except ContentErrors:
        return  # another file is broken; the next load reports it and compares hashes then
    from .sync import MODELS_AND_RECORDS

    for model, records in MODELS_AND_RECORDS(content):
        for obj in model.objects.filter(edited_in_admin=True, slug__in=records):
            model.objects.filter(pk=obj.pk).update(
                edited_in_admin=False, content_hash=records[obj.slug]["content_hash"]
            )
