"""Database records back to content files, in the same format the loader reads.

Loaded records keep their file's exact text (`file_text`), so a load followed by an export
rewrites every file byte for byte. A record saved in the admin gets its file text from
`file_text_for`, which writes the fields in the order of the loader's schema.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings

from .content import ContentErrors, read_content
from .kinds import BY_NAME, KINDS, Field
from .models import ContentItem, GlossaryTerm, Program, Question, Source, text_hash


class _Dumper(yaml.SafeDumper):
    """Lists of plain values on one line, lists of mappings as indented blocks."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _represent_str(dumper, value: str):
    style = '"' if value.isdigit() or "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def front_matter_values(obj: ContentItem) -> dict:
    """The record's front-matter fields: those stored as they are, then its relations."""
    kind = BY_NAME[obj.KIND]
    values = {f.name: getattr(obj, f.model_field) for f in kind.fields if f.stored}
    return values | _RELATED_VALUES.get(kind.name, lambda obj: {})(obj)


def _program_relations(obj: Program) -> dict:
    return {
        "other_names": obj.other_names,
        "parent": obj.parent.slug if obj.parent_id else None,
        "also_parents": [p.slug for p in obj.also_parents.all()],
        "sources": [s.source_id for s in obj.sources.all()],
        "facts": [
            {"figure": f.figure, "label": f.label, "source": f.source.source_id, "quote": f.quote}
            for f in obj.facts.select_related("source")
        ],
    }


def _term_relations(obj: GlossaryTerm) -> dict:
    quote = None
    if obj.quote_text and obj.quote_source_id:
        quote = {"source": obj.quote_source.source_id, "text": obj.quote_text}
    return {
        "related": [p.slug for p in obj.related.all()],
        "see_also": [t.slug for t in obj.see_also.all()],
        "sources": [s.source_id for s in obj.sources.all()],
        "quote": quote,
    }


def _question_relations(obj: Question) -> dict:
    related = [f"program:{p.slug}" for p in obj.related_programs.all()]
    related += [f"term:{t.slug}" for t in obj.related_terms.all()]
    return {"related": related, "sources": obj.source_quotes}


# Fields each kind reads and writes with its own code (`stored=False` in programs.kinds).
_RELATED_VALUES = {
    "program": _program_relations,
    "term": _term_relations,
    "question": _question_relations,
    "page": lambda obj: {"sources": [s.source_id for s in obj.sources.all()]},
}


def _is_default(value, field: Field) -> bool:
    # Compared with the type too: 0 == False and 1 == True in Python.
    return not field.required and type(value) is type(field.default) and value == field.default


def file_text_for(obj: ContentItem) -> str:
    """The content file for a record, fields in the loader's schema order."""
    values = front_matter_values(obj)
    # Empty values, and optional ones left at their default, are not written.
    meta = {
        f.name: values[f.name]
        for f in BY_NAME[obj.KIND].fields
        if values[f.name] not in (None, "", [], {}) and not _is_default(values[f.name], f)
    }
    front = yaml.dump(
        meta,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=10_000,
        default_flow_style=None,
    )
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
    for kind in KINDS:
        for obj in kind.model.objects.all():
            planned[root / kind.folder / f"{obj.slug}.md"] = (obj, obj.file_text)
            if isinstance(obj, Source):
                planned[root / kind.folder / obj.capture_file] = (obj, obj.text)
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
    for kind in KINDS:
        for path in sorted((root / kind.folder).glob("*")):
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
    for kind, records in content.by_kind():
        model = kind.model
        for obj in model.objects.filter(edited_in_admin=True, slug__in=records):
            model.objects.filter(pk=obj.pk).update(
                edited_in_admin=False, content_hash=records[obj.slug]["content_hash"]
            )
