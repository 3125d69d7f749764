"""A program's history: its current file text and every earlier version, each with a diff."""

import difflib
import itertools

from .markdown import strip_comments
from .models import Program, Revision


def versions(program: Program) -> list[dict]:
    """Newest first: {"label", "date", "text"} (earlier ones with "by"), each but the oldest
    with "diff" from the version before it."""
    found = [{"label": "current", "date": program.updated_at, "text": program.file_text}]
    found += [
        {"label": "earlier", "date": r.saved_at, "by": r.replaced_by, "text": r.file_text}
        for r in Revision.objects.filter(kind=Program.KIND, slug=program.slug)
    ]
    for version in found:
        # Editors' HTML comments are notes to each other, left out as on the page itself.
        version["text"] = strip_comments(version["text"])
    for newer, older in itertools.pairwise(found):
        newer["diff"] = diff_lines(older["text"], newer["text"])
    return found


def diff_lines(before: str, after: str) -> list[tuple[str, str]]:
    """A unified diff as (kind, line) pairs: "add", "remove", "same" or "gap"."""
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), n=2, lineterm="")
    kinds = {"+": "add", "-": "remove", " ": "same", "@": "gap"}
    return [(kinds[line[0]], line[1:]) for line in list(lines)[2:] if line]
