"""Database records back to content files, in the same format the loader reads.

Loaded records keep their file's exact text (`file_text`), so a load followed by an export
rewrites every file byte for byte. A record saved in the admin gets its file text from
`file_text_for`, which writes the fields in the order of the loader's schema.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings

from .content import ContentErrors, read_content
from .content_files import (
    CAPTURE_FILE_NAME,
    MAX_CAPTURE_BYTES,
    SLUG_FILE_NAME,
    UnsafeFile,
    check_regular_file,
    read_regular_file,
)
from .kinds import BY_NAME, KINDS, Field
from .models import ContentItem, GlossaryTerm, Program, Question, Source, SourceCapture, text_hash


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
            | ({"capture": f.capture.key} if f.capture_id else {})
            for f in obj.facts.select_related("source", "capture")
        ],
    }


def _term_relations(obj: GlossaryTerm) -> dict:
    quote = None
    if obj.quote_text and obj.quote_source_id:
        quote = {"source": obj.quote_source.source_id, "text": obj.quote_text}
        if obj.quote_capture_id:
            quote["capture"] = obj.quote_capture.key
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


def first_of_several(obj: Source) -> SourceCapture | None:
    """A source's first capture, if it has later ones: then the record shows the newest while
    its files hold the first. With one capture the record is that capture."""
    if obj.pk is None or not obj.captures.filter(position__gt=0).exists():
        return None
    return obj.captures.get(position=0)


def _source_first_capture(obj: Source) -> dict:
    """The `.md` file describes the first capture; the record shows the newest."""
    first = first_of_several(obj)
    if first is None:
        return {}
    return {
        "date_line": first.date_line,
        "date": first.date,
        "latest_year": first.latest_year,
        "capture": first.file,
    }


# Fields each kind reads and writes with its own code (`stored=False` in programs.kinds), and
# a source's fields of its first capture.
_RELATED_VALUES = {
    "source": _source_first_capture,
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


class UnsafePaths(Exception):
    """Records whose file would be outside the content folder or not a regular file."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class _Write:
    """One file an export would write: its record, its text, and the record's hash field."""

    obj: ContentItem
    text: str
    hash_field: str  # "file_hash" (the .md file) or "capture_hash" (a source's capture)


def _target(root: Path, directory: str, name: str, pattern) -> Path:
    """root/directory/name, only if `name` is a plain file name the loader would read."""
    if not pattern.match(name):
        raise UnsafeFile("is not a plain file name that the loader would read")
    path = root / directory / name
    check_regular_file(path, missing_ok=True)
    if not path.resolve().is_relative_to(root):
        raise UnsafeFile("is outside the content folder")
    return path


def _files_of(obj: ContentItem) -> list[tuple[str, object, str, str]]:
    """(file name, the pattern it must match, text, hash field) of each file a record writes."""
    files = [(f"{obj.slug}.md", SLUG_FILE_NAME, obj.file_text, "file_hash")]
    if isinstance(obj, Source):
        # Only the first capture, the one the admin can edit: later ones are never rewritten.
        first = first_of_several(obj)
        text = first.text if first is not None else obj.text
        files.append((obj.capture_file, CAPTURE_FILE_NAME, text, "capture_hash"))
    return files


def _planned_writes(root: Path) -> dict[Path, _Write]:
    """Every file the database says should exist; UnsafePaths if any is not safe to write."""
    planned: dict[Path, _Write] = {}
    problems = []
    for kind in KINDS:
        for obj in kind.model.objects.all():
            for name, pattern, text, hash_field in _files_of(obj):
                try:
                    path = _target(root, kind.folder, name, pattern)
                except UnsafeFile as exc:
                    problems.append(f"{kind.folder}/{name} ({obj.KIND}:{obj.slug}): {exc}")
                else:
                    planned[path] = _Write(obj, text, hash_field)
    if problems:
        raise UnsafePaths(problems)
    return planned


def _changed_since_load(root: Path, planned: dict[Path, _Write]) -> list[str]:
    """Files whose text is neither what was last loaded or exported nor what would be written."""
    changed = []
    for path, write in planned.items():
        loaded_hash = getattr(write.obj, write.hash_field)
        if not loaded_hash or not os.path.lexists(path):
            continue
        on_disk = read_regular_file(path, MAX_CAPTURE_BYTES)
        if text_hash(on_disk.decode("utf-8", errors="replace")) not in {
            loaded_hash,
            text_hash(write.text),
        }:
            changed.append(str(path.relative_to(root)))
    return sorted(changed)


def _write_file(path: Path, data: bytes) -> None:
    """Write a regular file without following a link that may have appeared since the check."""
    path.parent.mkdir(exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    with os.fdopen(os.open(path, flags, 0o644), "wb") as file:
        file.write(data)


def export_content(content_dir: Path | None = None, force: bool = False) -> ExportResult:
    """Write every record's file; files that have no record are reported, never deleted.

    All or nothing: nothing is written if any record names a file that is not a plain file in
    the content folder (UnsafePaths), or, unless `force`, if any file was changed on disk since
    it was last loaded or exported (an edit nobody has loaded: FilesChangedSinceLoad).
    """
    root = Path(content_dir or settings.CONTENT_DIR).resolve()
    if not root.is_dir():
        raise UnsafePaths([f"{root}: does not exist or is not a folder"])
    try:
        planned = _planned_writes(root)
        conflicts = _changed_since_load(root, planned)
    except UnsafeFile as exc:  # a file turned unsafe between the checks
        raise UnsafePaths([str(exc)]) from None
    if conflicts and not force:
        raise FilesChangedSinceLoad(conflicts)
    result = ExportResult()
    for path, write in planned.items():
        data = write.text.encode("utf-8")
        if os.path.lexists(path) and read_regular_file(path, MAX_CAPTURE_BYTES) == data:
            result.unchanged += 1
            continue
        _write_file(path, data)
        result.written.append(str(path.relative_to(root)))
        type(write.obj).objects.filter(pk=write.obj.pk).update(
            **{write.hash_field: text_hash(write.text)}
        )
    later_captures = {
        root / "sources" / name
        for name in SourceCapture.objects.exclude(position=0).values_list("file", flat=True)
    }
    for kind in KINDS:
        for path in sorted((root / kind.folder).glob("*")):
            if path.is_file() and path not in planned and path not in later_captures:
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
