"""A source's captures: the versions of one ICE page that the site has kept, oldest first.

The first capture is the `.txt` file that the source's `.md` names (`capture:`); the `.md`
gives its date line, date and newest year, and its capture date was never recorded. Every later
capture is a file `<slug>.<YYYY-MM-DD>.txt` beside it, written once by `import_source` and never
rewritten: the date in its name is the day it was captured, and its date line, date and newest
year are read from its text here, the same way on every load, so that no command has to write
them into the editor's `.md` file.

A capture is named by its key: `first`, or its capture date (`2026-06-01`). That is what a fact
or quote writes to pin itself to a capture (`capture: first`).
"""

import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .content_files import (
    MAX_CAPTURE_BYTES,
    Collector,
    UnsafeFile,
    check_regular_file,
    display_path,
    normalize_space,
    read_text,
)

FIRST = "first"
# A later capture's file: the source's slug, the capture date, .txt.
LATER_CAPTURE = re.compile(
    r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<date>\d{4}-\d{2}-\d{2})\.txt$"
)
# Something that tries to be one (a date that is not a date, a slug with capitals...).
LOOKS_LIKE_LATER_CAPTURE = re.compile(r"^[^.]+\.\d[\d-]*\.txt$")

_DATE = r"\d{1,2}/\d{1,2}/\d{4}|[A-Z][a-z]+\.? \d{1,2}, \d{4}|\d{4}-\d{2}-\d{2}"
# The line where a page says when it was last changed: "Updated: 01/18/2023", "Last
# Reviewed/Updated: 01/03/2018", "Last Modified:" (with no date after it, on the older page).
DATE_LINE = re.compile(
    r"(?im)^[^\S\n]*(?P<line>(?:Page\s+)?(?:Last\s+)?(?:Reviewed/Updated|Updated|Modified|"
    rf"Reviewed|Revised)[^\S\n]*:[^\S\n]*(?P<date>{_DATE})?)[^\S\n]*$"
)
_DATE_FORMATS = ("%m/%d/%Y", "%B %d, %Y", "%b. %d, %Y", "%b %d, %Y", "%Y-%m-%d")
# A year in running text: "FY2012", "early 2004, to", but not "2,000" or "1,650".
YEAR = re.compile(r"(?<![\d,.])((?:19|20)\d\d)(?!\d|[,.]\d)")


@dataclass(frozen=True)
class Capture:
    """One version of a source page. `captured` is None for a first capture whose capture date
    was not recorded."""

    key: str
    file: str
    captured: datetime.date | None
    date_line: str
    date: datetime.date | None
    latest_year: int
    text: str

    def as_record(self, position: int) -> dict:
        return {
            "key": self.key,
            "position": position,
            "file": self.file,
            "captured": self.captured,
            "date_line": self.date_line,
            "date": self.date,
            "latest_year": self.latest_year,
            "text": self.text,
        }


def later_capture_name(slug: str, captured: datetime.date) -> str:
    return f"{slug}.{captured.isoformat()}.txt"


def date_line_of(text: str) -> tuple[str, datetime.date | None]:
    """The page's date line (the last one: pages give it at the foot) and the date in it."""
    found = list(DATE_LINE.finditer(text))
    if not found:
        return "", None
    match = found[-1]
    return match.group("line"), parse_date(match.group("date") or "")


def parse_date(text: str) -> datetime.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def latest_year_of(text: str) -> int:
    """The newest year the text mentions, 0 if none."""
    return max((int(y) for y in YEAR.findall(text)), default=0)


def same_text(a: str, b: str) -> bool:
    """Two captures say the same if they differ only in white space."""
    return normalize_space(a) == normalize_space(b)


def later_capture(path: Path, text: str) -> Capture:
    """A later capture, everything about it read from its name and its text."""
    match = LATER_CAPTURE.match(path.name)
    captured = datetime.date.fromisoformat(match.group("date"))
    date_line, date = date_line_of(text)
    return Capture(
        key=captured.isoformat(),
        file=path.name,
        captured=captured,
        date_line=date_line,
        date=date,
        latest_year=latest_year_of(text),
        text=text,
    )


def later_capture_files(directory: Path, errors: Collector) -> dict[str, list[Path]]:
    """Every later capture file in a sources folder, by the slug its name gives, in date order.
    A file that looks like one but whose date is not a real date is reported."""
    found: dict[str, list[Path]] = {}
    for path in sorted(directory.glob("*.txt")):
        match = LATER_CAPTURE.match(path.name)
        if match is None:
            if LOOKS_LIKE_LATER_CAPTURE.match(path.name):
                errors.add(display_path(path), 0, "file name", _NAME_HELP)
            continue
        try:
            datetime.date.fromisoformat(match.group("date"))
        except ValueError:
            errors.add(display_path(path), 0, "file name", _NAME_HELP)
            continue
        found.setdefault(match.group("slug"), []).append(path)
    return found


_NAME_HELP = (
    "a later capture is named <source slug>.<capture date YYYY-MM-DD>.txt, like "
    "'ero-page.2026-06-01.txt'"
)


def read_later_captures(paths: list[Path], errors: Collector) -> list[Capture]:
    captures = []
    for path in paths:
        text = read_text(path, errors, MAX_CAPTURE_BYTES)
        if text is not None:
            captures.append(later_capture(path, text))
    return captures


def key_label(key: str) -> str:
    """How messages name a capture: "the first capture", "the capture of 2026-06-01"."""
    return "the first capture" if key == FIRST else f"the capture of {key}"


class CaptureExists(Exception):
    """A capture of that source and date is already there; it is never overwritten."""


def write_capture(sources: Path, slug: str, captured: datetime.date, text: str) -> Path:
    """Create `<slug>.<date>.txt` in the (resolved) sources folder. Only ever a new file: an
    existing one of that name (or a link, or anything else) stops it (CaptureExists)."""
    path = sources / later_capture_name(slug, captured)
    try:
        check_regular_file(path, missing_ok=True)
    except UnsafeFile as exc:
        raise CaptureExists(f"{display_path(path)}: {exc}") from None
    if os.path.lexists(path):
        raise CaptureExists(f"{display_path(path)} already exists; a capture is never rewritten")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o644)
    except FileExistsError:
        raise CaptureExists(f"{display_path(path)} already exists") from None
    with os.fdopen(fd, "wb") as file:
        file.write(text.encode("utf-8"))
    return path
