"""Open data: every program, glossary term, question and source with the fields of its content
file; a source also with every capture (its text included) and what changed between them."""

import csv
import io
import json

from .capture_diff import site_unit_names, source_changes
from .export import front_matter_values
from .markdown import strip_comments
from .models import GlossaryTerm, Program, Question, Source

DATASETS = {
    "programs": lambda: Program.objects.select_related("parent").prefetch_related(
        "also_parents", "sources", "facts__source"
    ),
    "glossary": lambda: GlossaryTerm.objects.select_related("quote_source").prefetch_related(
        "related", "see_also", "sources"
    ),
    "faq": lambda: Question.objects.prefetch_related("related_programs", "related_terms"),
    "sources": lambda: Source.objects.prefetch_related("captures"),
}
CAPTURE_FIELDS = ("key", "captured", "file", "date_line", "date", "latest_year", "text")


def _source_captures(source: Source, unit_names: dict) -> dict:
    """Every capture of a source, oldest first, and what changed from each to the next."""
    changes = source_changes(source, unit_names)
    return {
        "captures": [{f: getattr(c, f) for f in CAPTURE_FIELDS} for c in source.captures.all()],
        "changes": [
            {
                "from": change.older.key,
                "to": change.newer.key,
                "date_line_changed": change.date_line_changed,
                "figures": [
                    {"before": f.before, "after": f.after, "changed": f.changed}
                    for f in change.figures
                ],
                "units_no_longer_named": [name for name, _slug in change.units_gone],
                "new_unit_names": change.new_names,
            }
            for change in reversed(changes)
        ],
    }


def records(name: str) -> list[dict]:
    """One dict per record: slug, every front-matter field (empty ones included), the body."""
    rows = []
    unit_names = site_unit_names() if name == "sources" else {}
    for obj in DATASETS[name]():
        values = {k: v for k, v in front_matter_values(obj).items()}
        # Editors' HTML comments are notes to each other, left out as on the pages.
        body = strip_comments(obj.body)
        rows.append({"slug": obj.slug, **values, "url": obj.get_absolute_url(), "body": body})
        if name == "sources":
            rows[-1] |= _source_captures(obj, unit_names)
    return rows


def as_json(name: str) -> str:
    return json.dumps(records(name), ensure_ascii=False, indent=1, default=str)


def as_csv(name: str) -> str:
    """Lists and mappings (sources, facts, other names) are JSON inside their cell."""
    rows = records(name)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["slug"])
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return out.getvalue()


# A spreadsheet runs a cell that starts with one of these as a formula (a body that opens with
# a "- item" list is one). OWASP's advice: start such a cell with a single quote, which
# spreadsheets show as text. Only the CSV needs it; the JSON keeps every value exact.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
