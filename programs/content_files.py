"""Reading one content file: its YAML front matter with the line of every value, its markdown
body, and the checks every content type shares (required and unknown fields, kinds of value).

Problems are collected, never raised one at a time, so an editor sees every error at once as
`path:line: field: message`.
"""

import datetime
import difflib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db.backends.base.operations import BaseDatabaseOperations
from frontmatter.default_handlers import YAMLHandler

from .models import SLUG_MAX_LENGTH

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_FILE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.md$")
# A capture is a plain .txt file beside its source's .md: no folder, nothing hidden.
CAPTURE_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.txt$")

# Generous bounds on what one file may hold, so that no file can take the loader's time or
# memory (the largest files today: a 11 KB page, a 19 KB capture).
MAX_DOCUMENT_BYTES = 200_000
MAX_CAPTURE_BYTES = 1_000_000
# Any front-matter text whose column has no limit of its own (the longest today: a 337-character
# quote); columns with a max_length are held to it (see `limit_problem`).
MAX_FIELD_CHARS = 2_000


@dataclass(frozen=True)
class ContentError:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        # Line 0: the problem is the file or folder itself, not a place in it.
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}"


class ContentErrors(Exception):
    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(set(errors), key=lambda e: (e.path, e.line, e.field))
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class Document:
    """One content file: its front matter, where each value sits, and its markdown body."""

    path: Path
    display: str  # path as shown in messages
    meta: dict
    lines: dict[tuple, int]  # ("facts", 0, "quote") -> line number in the file
    body: str
    body_line: int
    text: str  # the whole file, exactly as read

    @property
    def slug(self) -> str:
        return self.path.stem

    def line(self, *key) -> int:
        """The line of a front-matter value, falling back to its nearest enclosing key."""
        while key and key not in self.lines:
            key = key[:-1]
        return self.lines.get(key, 1)


class Collector:
    def __init__(self):
        self.errors: list[ContentError] = []
        # (directory name, slug) of files too broken to read: their slugs still count as
        # existing, so one bad file gives its own errors and not one more per link to it.
        self.unreadable: set[tuple[str, str]] = set()

    def add(self, doc: Document | str, key: tuple | int, field_name: str, message: str):
        if isinstance(doc, Document):
            line = doc.line(*key) if isinstance(key, tuple) else key
            self.errors.append(ContentError(doc.display, line, field_name, message))
        else:
            self.errors.append(ContentError(doc, key, field_name, message))


def display_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# A figure as the sources write one: "129", "37,000", "4.12", "2012". Figures are compared as
# these strings, so "37,000" and "37.000" differ, as they would to a reader.
NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def normalize_space(text: str) -> str:
    """Quotes match the source ignoring differences of white space, no-break spaces included."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


class UnsafeFile(Exception):
    """A path the content pipeline must not read or write; the message says why."""


def _not_a_regular_file(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return (
            "is a symbolic link; content files must be regular files inside the content "
            "folder (replace the link with the file itself)"
        )
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    kind = next((name for test, name in kinds if test(mode)), "a special file")
    return f"is {kind}, not a regular file; content files must be regular files"


def check_regular_file(path: Path, missing_ok: bool = False) -> os.stat_result | None:
    """The file's lstat if `path` is a regular file reached through no symbolic link.

    Decided from lstat, before any open: a link is never followed and a FIFO never opened.
    `path` is absolute and built from the resolved content folder, so a folder on the way
    that is a link makes its resolved parent differ. With `missing_ok`, a file that does not
    exist yet passes (None) if its folder passes: the case of a file about to be written.
    """
    if path.parent.resolve() != path.parent:
        raise UnsafeFile(
            "is in a folder reached through a symbolic link; content files must be inside "
            "the content folder itself"
        )
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if missing_ok:
            return None
        raise UnsafeFile("does not exist") from None
    problem = _not_a_regular_file(st.st_mode)
    if problem:
        raise UnsafeFile(problem)
    return st


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; UnsafeFile for anything else."""
    try:
        st = check_regular_file(path)
        if st.st_size > limit:
            raise UnsafeFile(f"is {st.st_size:,} bytes; the limit is {limit:,}")
        # O_NOFOLLOW and O_NONBLOCK: should the file be swapped for a link or a FIFO after
        # the check, the open fails or returns at once instead of following or hanging.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as file:
            now = os.fstat(file.fileno())
            if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                raise UnsafeFile("was replaced while being read; try again")
            data = file.read(limit + 1)
    except OSError as exc:
        raise UnsafeFile(f"cannot be read: {exc.strerror}") from None
    if len(data) > limit:
        raise UnsafeFile(f"is more than {limit:,} bytes")
    return data


def read_text(path: Path, errors: Collector, limit: int = MAX_DOCUMENT_BYTES) -> str | None:
    """A content file's text, or None after reporting why it cannot be used."""
    display = display_path(path)
    try:
        raw = read_regular_file(path, limit)
    except UnsafeFile as exc:
        errors.add(display, 0, "file", str(exc))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        errors.add(display, line, "file", f"is not UTF-8 ({exc.reason} at byte {exc.start})")
        return None
    problem = _encoding_problem(text)
    if problem:
        errors.add(display, *problem)
        return None
    return text


def _encoding_problem(text: str) -> tuple[int, str, str] | None:
    """(line, field, message) for text the site cannot store or compare byte for byte."""
    # A BOM is refused rather than dropped: export writes files back byte for byte and
    # compares them with what was loaded, so the file on disk must be exactly the text read.
    if text.startswith("\ufeff"):
        message = (
            "starts with a byte order mark (BOM); save it as UTF-8 without BOM "
            '(in most editors: "UTF-8", not "UTF-8 with BOM")'
        )
        return 1, "file", message
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return line, "file", "contains a NUL character (\\0), which the database cannot store"
    return None


def _value_lines(node, prefix: tuple, out: dict, doc_path: str, errors: Collector) -> None:
    out[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                name = ".".join(str(p) for p in (*prefix, key))
                errors.add(doc_path, key_node.start_mark.line + 1, name, "is given twice")
            seen.add(key)
            _value_lines(value_node, (*prefix, key), out, doc_path, errors)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _value_lines(item, (*prefix, i), out, doc_path, errors)


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, but dates stay text until a date field checks them, so that a bad
    date is reported on its own field and line instead of failing the whole file."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    depth = 0

    def compose_node(self, parent, index):
        """Refuse anchors and aliases (ten lines of aliases expand to billions of values) and
        nesting deeper than any field needs (composing recurses once per level)."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused("anchors and aliases (&name, *name) are not allowed", event.start_mark)
        if self.depth >= MAX_FRONT_MATTER_DEPTH:
            message = f"values nested more than {MAX_FRONT_MATTER_DEPTH} levels deep"
            raise _Refused(message, event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that front matter does not allow."""

    def __init__(self, problem: str, mark):
        super().__init__(problem=problem, problem_mark=mark)


MAX_FRONT_MATTER_DEPTH = 6  # the deepest field, facts[0].quote, is 3


def _flow_nesting_problem(front: str) -> tuple[int, str] | None:
    """(line in the file, message) if '[' and '{' nest too deep.

    PyYAML's scanner slows down with the square of nested '[' and '{' (2,000 take 4 s), before
    composing begins, so they are counted first. Quoted brackets count too: no field needs
    them nested. Line n of the front matter text is line n of the file (it starts with the
    rest of the opening '---' line).
    """
    depth = 0
    for number, line in enumerate(front.split("\n"), start=1):
        for char in line:
            depth += char in "[{"
            depth -= char in "]}" and depth > 0
            if depth > MAX_FRONT_MATTER_DEPTH:
                return number, f"'[' or '{{' nested more than {MAX_FRONT_MATTER_DEPTH} deep"
    return None


def _parse_yaml(
    text: str, display: str, errors: Collector, what: str = "front matter"
) -> tuple[dict, dict] | None:
    """A YAML mapping and the line of each of its values; None (errors noted) if it is not one.

    Line numbers are the file's, for YAML that starts on the file's first line or right after
    a front matter's opening '---' (the splitter leaves that line's end in the text).
    """
    nesting = _flow_nesting_problem(text)
    if nesting:
        errors.add(display, nesting[0], what, nesting[1])
        return None
    loader = _FrontMatterLoader(text)
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        # The context mark is where the broken construct began (an unclosed '[' for example).
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        prefix = "" if isinstance(exc, _Refused) else "invalid YAML: "
        errors.add(display, line, what, f"{prefix}{problem}")
        return None
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        errors.add(display, 1 if what == "file" else 2, what, "must be a mapping of field: value")
        return None
    lines: dict[tuple, int] = {}
    _value_lines(node, (), lines, display, errors)
    return meta, lines


def read_yaml_document(path: Path, errors: Collector) -> Document | None:
    """A file that is all YAML (no markdown body), read like front matter."""
    display = display_path(path)
    text = read_text(path, errors)
    if text is None:
        return None
    parsed = _parse_yaml(text, display, errors, what="file")
    if parsed is None:
        return None
    meta, lines = parsed
    return Document(path, display, meta, lines, "", 1, text)


def read_document(path: Path, errors: Collector) -> Document | None:
    """Split a file into YAML front matter and markdown body, keeping line numbers."""
    display = display_path(path)
    text = read_text(path, errors)
    if text is None:
        return None
    if not YAMLHandler.FM_BOUNDARY.match(text):
        errors.add(display, 1, "front matter", "missing: the file must start with a '---' line")
        return None
    try:
        front, body = YAMLHandler().split(text)
    except ValueError:
        errors.add(display, 1, "front matter", "not closed: add a '---' line after it")
        return None
    parsed = _parse_yaml(front, display, errors)
    if parsed is None:
        return None
    meta, lines = parsed
    body_line = text[: len(text) - len(body)].count("\n") + 2
    return Document(path, display, meta, lines, body.removeprefix("\n"), body_line, text)


# --- Field checks ----------------------------------------------------------------------------
def check_kind(value, kind: str):
    """Return the value in its kind, or raise ValueError saying what was expected."""
    if kind == "str":
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValueError("must be text")
        value = str(value).strip()
        if not value:
            raise ValueError("must not be empty")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be a whole number")
        return value
    if kind == "date":
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"{value!r} is not a date (write YYYY-MM-DD)") from None
    if kind == "list":
        if not isinstance(value, list):
            raise ValueError("must be a list")
        return value
    if kind == "mapping":
        if not isinstance(value, dict):
            raise ValueError("must be a mapping of field: value")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    raise AssertionError(kind)


def _names(doc: Document, name: str, values: list, errors: Collector) -> list[str]:
    """A list of names or slugs: each item must be text; each is reported on its own line."""
    clean = []
    for i, item in enumerate(values):
        if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item):
            errors.add(doc, (name, i), f"{name}[{i}]", "must be text")
        else:
            clean.append(str(item).strip())
    return clean


def limit_problem(value, model_field=None) -> str | None:
    """What the database would refuse in a value, from the model field that stores it.

    Text is held to the field's max_length, or to MAX_FIELD_CHARS where the column has no
    limit; whole numbers to the range of the field's column type on every database Django
    supports (SQLite would store what PostgreSQL refuses).
    """
    if isinstance(value, str):
        limit = getattr(model_field, "max_length", None) or MAX_FIELD_CHARS
        if len(value) > limit:
            return f"is {len(value):,} characters; the limit is {limit:,}"
    elif isinstance(value, int) and not isinstance(value, bool) and model_field is not None:
        ranges = BaseDatabaseOperations.integer_field_ranges
        low, high = ranges.get(model_field.get_internal_type(), (None, None))
        if low is not None and not low <= value <= high:
            return f"must be between {low:,} and {high:,}"
    return None


def check_value_sizes(doc: Document, errors: Collector) -> None:
    """Text inside lists and mappings (quotes, other names): no value over MAX_FIELD_CHARS."""

    def walk(value, key: tuple) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, (*key, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*key, i))
        elif len(key) > 1 and isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            message = f"is {len(value):,} characters; the limit is {MAX_FIELD_CHARS:,}"
            errors.add(doc, key, field_label(key), message)

    walk(doc.meta, ())


def field_label(key: tuple) -> str:
    """("facts", 0, "quote") -> "facts[0].quote", as messages name fields."""
    label = ""
    for part in key:
        label += f"[{part}]" if isinstance(part, int) else (f".{part}" if label else str(part))
    return label


def check_fields(
    doc: Document, schema: dict, errors: Collector, model_fields: dict | None = None
) -> dict:
    """Required and unknown fields, each value's kind and the limits of the model field that
    stores it; returns the cleaned values.

    `schema`: field name -> its `kinds.Field` (what kind of value, whether required);
    `model_fields`: field name -> the Django field that stores it, where there is one."""
    check_value_sizes(doc, errors)
    model_fields = model_fields or {}
    clean = {}
    for name in doc.meta:
        if name not in schema:
            hint = difflib.get_close_matches(str(name), schema, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            errors.add(doc, (name,), str(name), f"unknown field{suggestion}")
    for name, field_spec in schema.items():
        value = doc.meta.get(name)
        if value is None or value == "":
            if field_spec.required:
                errors.add(doc, 1, name, "is required")
            continue
        kind = "list" if field_spec.value == "names" else field_spec.value
        try:
            clean[name] = check_kind(value, kind)
        except ValueError as exc:
            errors.add(doc, (name,), name, str(exc))
            continue
        if field_spec.value == "names":
            clean[name] = _names(doc, name, clean[name], errors)
        problem = limit_problem(clean[name], model_fields.get(name))
        if problem:
            errors.add(doc, (name,), name, problem)
            del clean[name]
    return clean


def documents(directory: Path, errors: Collector, suffix: str = ".md") -> list[Document]:
    """Every file of a kind in `directory`: markdown with front matter, or (".yml") all YAML."""
    reader = read_yaml_document if suffix == ".yml" else read_document
    docs = []
    seen: dict[str, str] = {}
    if suffix == ".md":
        _report_misnamed_documents(directory, errors)
    for path in sorted(directory.glob(f"*{suffix}")):
        slug = path.stem
        if not SLUG.match(slug) or len(slug) > SLUG_MAX_LENGTH:
            errors.add(
                display_path(path),
                1,
                "file name",
                f"must be a slug of at most {SLUG_MAX_LENGTH} characters: "
                "lower-case words joined by '-'",
            )
            continue
        doc = reader(path, errors)
        if doc is None:
            errors.unreadable.add((directory.name, slug))
            continue
        if slug in seen:
            errors.add(doc, 1, "slug", f"'{slug}' is also used by {seen[slug]}")
        seen[slug] = doc.display
        docs.append(doc)
    return docs


def _report_misnamed_documents(directory: Path, errors: Collector) -> None:
    """A file renamed to `x.MD` would be skipped and its record deleted: say so instead."""
    if not directory.is_dir():
        return
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() == ".md" and path.suffix != ".md":
            errors.add(
                display_path(path),
                0,
                "file name",
                f"ends in '{path.suffix}'; content files end in '.md' (lower case): rename it",
            )


def suggest(name: str, options) -> str:
    hint = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""
