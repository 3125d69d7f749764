"""What an admin save does beyond storing the form: the loader's rules, derived fields, history.

Each check here calls the rule function the loader calls (`programs.rules`), with the record
as the form would save it and everything else as the database holds it, so an editor gets the
loader's answer in the loader's words. The admin's forms (`programs.admin`) call these.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from . import rules
from .captures import FIRST
from .content_files import MAX_CAPTURE_BYTES
from .export import file_text_for
from .kinds import BY_LINK
from .markdown import NO_GLOSSARY, GlossaryLinker, MarkdownTooComplex, markdown_problems, render
from .models import (
    ContentItem,
    ContentVersion,
    Fact,
    GlossaryTerm,
    Program,
    Question,
    Source,
    SourceCapture,
)
from .sync import keep_revision


def glossary_linker() -> GlossaryLinker:
    terms = GlossaryTerm.objects.filter(autolink=True).values_list("slug", "term", "acronyms")
    return GlossaryLinker.build(terms)


def render_preview(text: str) -> str:
    """django-markdownx's preview hook: the same render as a program page, glossary included.

    Text over the limits gets the reasons instead of a preview, as the save would.
    """
    try:
        return render(text, glossary_linker()).html
    except MarkdownTooComplex as exc:
        items = "".join(
            f"<li>{escape(f'line {line}: {message}')}</li>" for line, message in exc.problems
        )
        return (
            '<div class="usa-alert usa-alert--error usa-alert--slim"><div class="usa-alert__body">'
            f"<p>Not previewed: the text is over the limits.</p><ul>{items}</ul></div></div>"
        )


# --- The loader's rules, on one record against the database ----------------------------------
def body_limit_problems(text: str) -> list[str]:
    """The loader's limits on markdown (size, nesting...), each with its line."""
    return [f"Line {line}: {message}." for line, message in markdown_problems(text)]


def capture_size_problem(text: str) -> str | None:
    """A capture the loader would refuse to read back is refused here first."""
    size = len(text.encode("utf-8"))
    if size > MAX_CAPTURE_BYTES:
        return f"The text is {size:,} bytes; a capture file may have at most {MAX_CAPTURE_BYTES:,}."
    return None


def capture_file_name(source: Source) -> str:
    """A source added in the admin keeps its capture beside it, named like the others."""
    return f"{source.slug}.txt"


def body_link_problems(text: str) -> list[str]:
    """rules.link_problem for every internal link in a body."""
    slugs: dict[str, set[str] | None] = {}
    problems = []
    for link, slug in render(text).links:
        if link not in slugs:
            model = BY_LINK[link].model if link in BY_LINK else None
            slugs[link] = set(model.objects.values_list("slug", flat=True)) if model else None
        problem = rules.link_problem(link, slug, slugs[link])
        if problem:
            problems.append(problem)
    return problems


def parent_problem(slug: str, parent: Program | None) -> str | None:
    """rules.ancestors over the tree as it would be with this parent."""
    parent_of = dict(Program.objects.values_list("slug", "parent__slug"))
    parent_of[slug] = parent.slug if parent is not None else None
    try:
        rules.ancestors(slug, parent_of)
    except rules.Cycle as cycle:
        return str(cycle)
    return None


def captures_of(source: Source) -> list[tuple[str, str]]:
    """(key, text) of a source's captures, oldest first, as the quote rules take them; a source
    just added in the admin has its one text."""
    found = list(source.captures.values_list("key", "text")) if source.pk else []
    return found or [(FIRST, source.text)]


def unit_naming_problems(title: str, acronym: str, other_names, sources) -> list[str]:
    """rules.unit_naming_problem for each source the program's form cites (any capture of it
    naming the unit, as the loader has it)."""
    names = [title, acronym, *(n.get("name", "") for n in other_names or [] if isinstance(n, dict))]
    problems = []
    for source in sources:
        every_capture = "\n\n".join(text for _key, text in captures_of(source))
        problem = rules.unit_naming_problem(
            names, title, source.source_id, source.short_name, every_capture
        )
        if problem:
            problems.append(problem)
    return problems


def quote_problems(
    source: Source | None, quote: str, figure=None, capture: SourceCapture | None = None
) -> dict[str, str]:
    """rules.pin_problem, rules.captured_quote_problem and rules.figure_problem, by the name of
    the field at fault (`capture`: the capture the quote is pinned to, if any)."""
    problems = {}
    if source is None or not quote:
        return problems
    captures = captures_of(source)
    pin = ""
    if capture is not None:
        pin = capture.key if capture.source_id == source.pk else f"{capture}"
        problem = rules.pin_problem(pin, source.source_id, captures)
        if problem:
            return {"capture": problem}
    problem = rules.captured_quote_problem(quote, source.source_id, captures, pin)
    if problem:
        problems["quote"] = problem
    problem = figure is not None and rules.figure_problem(figure, quote)
    if problem:
        problems["figure"] = problem
    return problems


def fact_source_problem(source: Source, cited_pks) -> str | None:
    """rules.fact_source_problem, with the sources the page's form cites (their keys)."""
    cited = set(Source.objects.filter(pk__in=cited_pks).values_list("source_id", flat=True))
    return rules.fact_source_problem(source.source_id, {source.source_id}, cited)


def name_problems(slug: str, names: list[str]) -> list[str]:
    """rules.name_conflicts between this term's names (term, then acronyms) and every other's."""
    names_by_slug = {
        other: [term, *acronyms]
        for other, term, acronyms in GlossaryTerm.objects.exclude(slug=slug).values_list(
            "slug", "term", "acronyms"
        )
    }
    names_by_slug[slug] = names
    conflicts = rules.name_conflicts(names_by_slug)
    return [message for (owner, _), message in conflicts.items() if owner == slug]


def faq_source_problems(items) -> list[str]:
    """rules.faq_source_problems for each of an answer's sources."""
    captures: dict[str, list] = {}
    for sid, key, text in SourceCapture.objects.values_list("source__source_id", "key", "text"):
        captures.setdefault(sid, []).append((key, text))
    problems = []
    for i, item in enumerate(items):
        for where, message in rules.faq_source_problems(item, captures):
            problems.append(f"sources[{i}]{'.' + where if where else ''}: {message}")
    return problems


def source_text_problems(source: Source, text: str, date_line: str) -> list[str]:
    """A source's new text against its date line and every quote that cites it, as the next
    load would check them: `record field: message` for each quote it would break."""
    problems = []
    problem = rules.date_line_problem(date_line, text)
    if problem:
        problems.append(f"date_line: {problem}")
    if source.pk is None:
        return problems
    sid = source.source_id

    def check(where: str, quote: str) -> None:
        problem = rules.quote_problem(quote, sid, text)
        if problem:
            problems.append(f"{where}: {problem}")

    for fact in Fact.objects.filter(source=source).select_related("program"):
        check(f"program:{fact.program.slug} facts[{fact.order}].quote", fact.quote)
    for term in GlossaryTerm.objects.filter(quote_source=source):
        check(f"term:{term.slug} quote.text", term.quote_text)
    for question in Question.objects.filter(sources=source):
        for i, item in enumerate(question.source_quotes):
            if str(item.get("id")) == sid:
                check(f"question:{question.slug} sources[{i}].quote", str(item.get("quote")))
    return problems


def _derive(obj: ContentItem) -> None:
    """Fields the loader derives from the file, derived again from the saved record."""
    linked = isinstance(obj, (Program, Question)) and obj.glossary_links
    rendered = render(obj.body, glossary_linker() if linked else NO_GLOSSARY)
    obj.body_html = rendered.html
    if hasattr(obj, "toc"):
        obj.toc = rendered.toc
    if isinstance(obj, Source):
        _derive_first_capture(obj)
    if isinstance(obj, Program):
        parent_of = dict(Program.objects.values_list("slug", "parent__slug"))
        parent_of[obj.slug] = obj.parent.slug if obj.parent_id else None
        chain = rules.ancestors(obj.slug, parent_of)
        nodes = Program.objects.in_bulk(chain, field_name="slug")
        obj.ancestors = [[s, nodes[s].title, nodes[s].acronym] for s in chain]
        obj.depth = len(chain)
        path = [(nodes[s].order, s) for s in chain] + [(obj.order, obj.slug)]
        obj.tree_order = rules.tree_order_key(path)


def _derive_first_capture(source: Source) -> None:
    """A source with one capture is edited in the admin as that capture; one with later
    captures shows its newest, which the admin cannot change (programs.admin)."""
    if source.captures.filter(position__gt=0).exists():
        return
    SourceCapture.objects.update_or_create(
        source=source,
        key=FIRST,
        defaults={
            "position": 0,
            "file": source.capture_file,
            "captured": None,
            "date_line": source.date_line,
            "date": source.date,
            "latest_year": source.latest_year,
            "text": source.text,
        },
    )


@transaction.atomic
def record_admin_save(obj: ContentItem, previous_file_text: str) -> None:
    """After the form and its inlines are saved: derive, rewrite the file text, keep history."""
    _derive(obj)
    obj.file_text = file_text_for(obj)
    if obj.file_text == previous_file_text:
        return
    if previous_file_text:
        keep_revision(type(obj)(slug=obj.slug, file_text=previous_file_text), "admin")
    obj.edited_in_admin = True
    obj.updated_at = timezone.now()
    obj.save()
    if isinstance(obj, Program):
        # Descendants show this program in their breadcrumbs.
        pending = list(Program.objects.filter(parent=obj))
        while pending:
            child = pending.pop()
            _derive(child)
            child.save(update_fields=["ancestors", "depth", "tree_order", "body_html", "toc"])
            pending.extend(Program.objects.filter(parent=child))
    ContentVersion.bump()
