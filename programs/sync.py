"""Write a checked ContentSet to the database in one transaction, keyed by slug.

Records whose fingerprint has not changed are left alone, so a second load of the same files
changes nothing; records whose file is gone are deleted.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .content import ContentSet
from .models import (
    ContentVersion,
    Fact,
    GlossaryTerm,
    Page,
    Program,
    Question,
    Revision,
    SearchVocabulary,
    Source,
    SourceCapture,
    Translation,
    text_hash,
)

# Written by the load itself, never copied from a record.
BOOKKEEPING = {"id", "slug", "file_text", "file_hash", "edited_in_admin", "updated_at"}


def stored_fields(model, record: dict) -> list[str]:
    """The record's values that the model stores as they are: every column that is not a
    relation (relations are set by each kind's own step below). Derived from the model and the
    loader's record, so a new front-matter field needs no list here."""
    columns = (f.name for f in model._meta.concrete_fields if not f.is_relation)
    return [c for c in columns if c in record and c not in BOOKKEEPING]


class AdminEditsWouldBeLost(Exception):
    """The load would overwrite or delete records edited in the admin since the last load."""

    def __init__(self, records: list[str]):
        self.records = records
        super().__init__(", ".join(records))


class MassDeleteRefused(Exception):
    """The load would delete most records of some kind: more likely a mistake than an edit."""

    def __init__(self, deletions: list[str]):
        self.deletions = deletions
        super().__init__(", ".join(deletions))


@dataclass
class SyncResult:
    counts: Counter

    @property
    def changed(self) -> int:
        return sum(v for k, v in self.counts.items() if k != "unchanged")

    def __str__(self) -> str:
        keys = ("created", "updated", "unchanged", "deleted")
        return ", ".join(f"{self.counts[k]} {k}" for k in keys)


def _upsert(model, records: dict[str, dict], counts: Counter):
    """Create or update each record; returns {slug: instance} for those created or changed.

    The version each update replaces is kept as a Revision.
    """
    fields_needed = ("id", "slug", "content_hash", "file_text", "edited_in_admin")
    existing = {obj.slug: obj for obj in model.objects.only(*fields_needed)}
    changed = {}
    now = timezone.now()
    for slug, rec in records.items():
        obj = existing.get(slug)
        unchanged = obj is not None and obj.content_hash == rec["content_hash"]
        if unchanged and not obj.edited_in_admin:
            counts["unchanged"] += 1
            continue
        values = {f: rec[f] for f in stored_fields(model, rec)} | {
            "file_text": rec["file_text"],
            "file_hash": text_hash(rec["file_text"]),
            "edited_in_admin": False,
            "updated_at": now,
        }
        if obj is None:
            obj = model.objects.create(slug=slug, **values)
            counts["created"] += 1
        else:
            keep_revision(obj, "load", now)
            model.objects.filter(pk=obj.pk).update(**values)
            counts["updated"] += 1
        changed[slug] = obj
    return changed


def keep_revision(obj, replaced_by: str, when=None) -> None:
    """Keep the version of `obj` that is about to be replaced."""
    if obj.file_text:
        Revision.objects.create(
            kind=obj.KIND,
            slug=obj.slug,
            file_text=obj.file_text,
            saved_at=when or timezone.now(),
            replaced_by=replaced_by,
        )


def admin_edits_at_risk(content: ContentSet) -> list[str]:
    """Records changed in the admin whose file does not hold that change, or is gone."""
    at_risk = []
    for kind, records in content.by_kind():
        edited = kind.model.objects.filter(edited_in_admin=True).only("slug", "file_text")
        for obj in edited:
            incoming = records.get(obj.slug)
            if incoming is None or incoming["file_text"] != obj.file_text:
                at_risk.append(f"{obj.KIND}:{obj.slug}")
    return sorted(at_risk)


def mass_deletions(content: ContentSet) -> list[str]:
    """Kinds of record of which this load would delete more than half (so one of one, too).

    A mistyped or half-copied content folder reads as a site with most of its files deleted.
    """
    found = []
    for kind, records in content.by_kind():
        existing = set(kind.model.objects.values_list("slug", flat=True))
        gone = len(existing - set(records))
        if gone > len(existing) / 2:
            found.append(f"{gone} of {len(existing)} {kind.model._meta.verbose_name_plural}")
    return found


CAPTURE_FIELDS = ("position", "file", "captured", "date_line", "date", "latest_year", "text")


def _sync_sources(records: dict, counts: Counter) -> tuple[dict[str, int], list[int]]:
    """Sources and their captures; returns the sources' keys by id, and the captures whose
    file is gone, to delete once no fact or quote points at them any more."""
    gone = []
    for slug, obj in _upsert(Source, records, counts).items():
        gone += _sync_captures(obj, records[slug]["captures"])
    return dict(Source.objects.values_list("source_id", "id")), gone


def _sync_captures(source: Source, captures: list[dict]) -> list[int]:
    """A source's captures, kept by key (what pins name), so that a fact pinned to a capture
    keeps pointing at the same row from one load to the next."""
    existing = {c.key: c for c in SourceCapture.objects.filter(source=source)}
    for capture in captures:
        values = {f: capture[f] for f in CAPTURE_FIELDS}
        obj = existing.pop(capture["key"], None)
        if obj is None:
            SourceCapture.objects.create(source=source, key=capture["key"], **values)
        elif any(getattr(obj, f) != v for f, v in values.items()):
            SourceCapture.objects.filter(pk=obj.pk).update(**values)
    return [c.pk for c in existing.values()]


def capture_pks() -> dict[tuple[str, str], int]:
    """(source id, capture key) -> the capture's row: how a pin is stored."""
    rows = SourceCapture.objects.values_list("source__source_id", "key", "id")
    return {(sid, key): pk for sid, key, pk in rows}


def _sync_programs(records: dict, source_pks: dict[str, int], counts: Counter) -> None:
    # Parents first, so that each parent's row exists when its children point at it.
    ordered = dict(sorted(records.items(), key=lambda item: item[1]["depth"]))
    changed = _upsert(Program, ordered, counts)
    pks = dict(Program.objects.values_list("slug", "id"))
    pins = capture_pks() if changed else {}
    for slug, obj in changed.items():
        rec = records[slug]
        Program.objects.filter(pk=obj.pk).update(
            parent_id=pks[rec["parent"]] if rec["parent"] else None
        )
        obj.sources.set([source_pks[s] for s in rec["sources"]])
        obj.also_parents.set([pks[s] for s in rec["also_parents"]])
        obj.facts.all().delete()
        Fact.objects.bulk_create(
            Fact(
                program=obj,
                order=i,
                figure=f["figure"],
                label=f["label"],
                quote=f["quote"],
                source_id=source_pks[f["source"]],
                capture_id=pins[(f["source"], f["capture"])] if f["capture"] else None,
            )
            for i, f in enumerate(rec["facts"])
        )


def _sync_pages(records: dict, source_pks: dict[str, int], counts: Counter) -> None:
    for slug, obj in _upsert(Page, records, counts).items():
        obj.sources.set([source_pks[s] for s in records[slug]["sources"]])


def _sync_glossary(records: dict, source_pks: dict[str, int], counts: Counter) -> None:
    changed = _upsert(GlossaryTerm, records, counts)
    term_pks = dict(GlossaryTerm.objects.values_list("slug", "id"))
    program_pks = dict(Program.objects.values_list("slug", "id"))
    pins = capture_pks() if changed else {}
    for slug, obj in changed.items():
        rec = records[slug]
        quote_source = source_pks[rec["quote_source"]] if rec["quote_source"] else None
        pin = rec["quote_capture"] and pins[(rec["quote_source"], rec["quote_capture"])]
        GlossaryTerm.objects.filter(pk=obj.pk).update(
            quote_source_id=quote_source, quote_capture_id=pin or None
        )
        obj.sources.set([source_pks[s] for s in rec["sources"]])
        obj.related.set([program_pks[s] for s in rec["related"]])
        obj.see_also.set([term_pks[s] for s in rec["see_also"]])


def _sync_faq(records: dict, source_pks: dict[str, int], counts: Counter) -> None:
    changed = _upsert(Question, records, counts)
    term_pks = dict(GlossaryTerm.objects.values_list("slug", "id"))
    program_pks = dict(Program.objects.values_list("slug", "id"))
    for slug, obj in changed.items():
        rec = records[slug]
        refs = [r.partition(":") for r in rec["related"]]
        obj.sources.set([source_pks[s] for s in rec["sources"]])
        obj.related_programs.set([program_pks[s] for kind, _, s in refs if kind == "program"])
        obj.related_terms.set([term_pks[s] for kind, _, s in refs if kind == "term"])


TRANSLATION_FIELDS = ["translated_from", "fields", "body_html", "toc", "content_hash", "file_text"]


def _sync_translations(records: dict[tuple, dict], counts: Counter) -> None:
    """Translations are keyed by (language, kind, slug); they are never edited in the admin."""
    existing = {
        (t.language, t.kind, t.slug): t
        for t in Translation.objects.only("language", "kind", "slug", "content_hash")
    }
    for key, rec in records.items():
        values = {f: rec[f] for f in TRANSLATION_FIELDS}
        obj = existing.pop(key, None)
        if obj is None:
            language, kind, slug = key
            Translation.objects.create(language=language, kind=kind, slug=slug, **values)
            counts["created"] += 1
        elif obj.content_hash != rec["content_hash"]:
            Translation.objects.filter(pk=obj.pk).update(**values, updated_at=timezone.now())
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    if existing:
        Translation.objects.filter(pk__in=[t.pk for t in existing.values()]).delete()
        counts["deleted"] += len(existing)


def _delete_missing(content: ContentSet, counts: Counter) -> None:
    gone = Program.objects.exclude(slug__in=content.programs).order_by("-depth")
    # Children before parents: the parent link protects against orphaning.
    for program in gone:
        keep_revision(program, "load")
        program.delete()
        counts["deleted"] += 1
    # Then every other kind: sources last, as everything else cites them.
    for kind, records in reversed(content.by_kind()):
        if kind.model is Program:
            continue
        model = kind.model
        gone = model.objects.exclude(slug__in=records)
        for obj in gone:
            keep_revision(obj, "load")
        _, by_model = gone.delete()
        counts["deleted"] += by_model.get(model._meta.label, 0)
    # The search vocabulary (content/search/), which is not a kind of page.
    gone = SearchVocabulary.objects.exclude(slug__in=content.search)
    for obj in gone:
        keep_revision(obj, "load")
    counts["deleted"] += gone.delete()[0]


@transaction.atomic
def sync_content(
    content: ContentSet, discard_admin_edits: bool = False, allow_mass_delete: bool = False
) -> SyncResult:
    """Make the database match the content set exactly, all or nothing.

    Refuses (AdminEditsWouldBeLost) when that would overwrite admin edits that were never
    exported to the files, unless told to discard them; and (MassDeleteRefused) when it would
    delete more than half of any kind of record, unless told to allow that.
    """
    if not allow_mass_delete:
        deletions = mass_deletions(content)
        if deletions:
            raise MassDeleteRefused(deletions)
    if not discard_admin_edits:
        at_risk = admin_edits_at_risk(content)
        if at_risk:
            raise AdminEditsWouldBeLost(at_risk)
    counts: Counter = Counter()
    source_pks, captures_gone = _sync_sources(content.sources, counts)
    _sync_programs(content.programs, source_pks, counts)
    _sync_pages(content.pages, source_pks, counts)
    _sync_glossary(content.glossary, source_pks, counts)
    _sync_faq(content.faq, source_pks, counts)
    SourceCapture.objects.filter(pk__in=captures_gone).delete()
    _upsert(SearchVocabulary, content.search, counts)
    _sync_translations(content.translations, counts)
    _delete_missing(content, counts)
    result = SyncResult(counts)
    if result.changed:
        ContentVersion.bump()
    return result
