"""Reading one content file: its YAML front matter with the line of every value, its markdown
body, and the checks every content type shares (required and unknown fields, kinds of value).

Problems are collected, never raised one at a time, so an editor sees every error at once as
`path:line: field: message`.
"""

import datetime
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from frontmatter.default_handlers import YAMLHandler

from .models import SLUG_MAX_LENGTH

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ContentError:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


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


def normalize_space(text: str) -> str:
    """Quotes match the source ignoring differences of white space, no-break spaces included."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def read_text(path: Path, errors: Collector) -> str | None:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        errors.add(
            display_path(path), line, "file", f"is not UTF-8 ({exc.reason} at byte {exc.start})"
        )
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


def _parse_yaml(
    text: str, display: str, errors: Collector, what: str = "front matter"
) -> tuple[dict, dict] | None:
    """A YAML mapping and the line of each of its values; None (errors noted) if it is not one.

    Line numbers are the file's, for YAML that starts on the file's first line or right after
    a front matter's opening '---' (the splitter leaves that line's end in the text).
    """
    loader = _FrontMatterLoader(text)
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        # The context mark is where the broken construct began (an unclosed '[' for example).
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        errors.add(display, line, what, f"invalid YAML: {problem}")
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


def check_fields(doc: Document, schema: dict, errors: Collector) -> dict:
    """Required and unknown fields, and each value's kind; returns the cleaned values."""
    clean = {}
    for name in doc.meta:
        if name not in schema:
            hint = difflib.get_close_matches(str(name), schema, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            errors.add(doc, (name,), str(name), f"unknown field{suggestion}")
    for name, (required, kind) in schema.items():
        value = doc.meta.get(name)
        if value is None or value == "":
            if required:
                errors.add(doc, 1, name, "is required")
            continue
        try:
            clean[name] = check_kind(value, kind)
        except ValueError as exc:
            errors.add(doc, (name,), name, str(exc))
    return clean


def documents(directory: Path, errors: Collector, suffix: str = ".md") -> list[Document]:
    """Every file of a kind in `directory`: markdown with front matter, or (".yml") all YAML."""
    reader = read_yaml_document if suffix == ".yml" else read_document
    docs = []
    seen: dict[str, str] = {}
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


def suggest(name: str, options) -> str:
    hint = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""
