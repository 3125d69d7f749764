"""What an admin save does beyond storing the form: the loader's checks, derived fields, history.

The checks here are the loader's own (`programs.content`) applied to one record against what
is in the database, so an editor gets the same message in the admin as in a file.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .content import normalize_space
from .content_files import MAX_CAPTURE_BYTES
from .export import file_text_for
from .markdown import NO_GLOSSARY, GlossaryLinker, markdown_problems, render
from .models import (
    ContentItem,
    ContentVersion,
    GlossaryTerm,
    Program,
    Question,
    Source,
    tree_order_key,
)
from .sync import keep_revision


def check_body_limits(text: str) -> None:
    """The loader's limits on markdown (size, nesting...), each with its line."""
    problems = markdown_problems(text)
    if problems:
        raise ValidationError([f"Line {line}: {message}." for line, message in problems])


def check_capture_size(text: str) -> None:
    """A capture the loader would refuse to read back is refused here first."""
    size = len(text.encode("utf-8"))
    if size > MAX_CAPTURE_BYTES:
        raise ValidationError(
            f"The text is {size:,} bytes; a capture file may have at most {MAX_CAPTURE_BYTES:,}."
        )


def check_body_links(text: str) -> None:
    """Every internal link in a body names a record that exists."""
    models = {"program": Program, "term": GlossaryTerm, "faq": Question, "source": Source}
    missing = []
    for kind, slug in render(text).links:
        model = models.get(kind)
        if model is None or not model.objects.filter(slug=slug).exists():
            missing.append(f"{kind}:{slug}")
    if missing:
        raise ValidationError(
            "Link to a page that does not exist: %(links)s", params={"links": ", ".join(missing)}
        )


def check_parent(program: Program, parent: Program | None) -> None:
    """The parent exists and choosing it makes no cycle."""
    seen = {program.pk} if program.pk else set()
    node = parent
    while node is not None:
        if node.pk in seen:
            raise ValidationError(
                "This parent makes a cycle: a program cannot be its own ancestor."
            )
        seen.add(node.pk)
        node = node.parent


def check_quote(source: Source | None, quote: str, figure: str | None = None) -> dict:
    """Errors by field: the quote must occur in the source, the figure in the quote."""
    errors = {}
    if source is None or not quote:
        return errors
    if normalize_space(quote) not in normalize_space(source.text):
        errors["quote"] = f'Does not occur in source "{source.source_id}" ({source.title}).'
    if figure is not None and normalize_space(figure) not in normalize_space(quote):
        errors["figure"] = f"{figure!r} does not occur in the quote."
    return errors


def capture_file_name(source: Source) -> str:
    """A source added in the admin keeps its capture beside it, named like the others."""
    return f"{source.slug}.txt"


def names_taken_by_other_terms(term: GlossaryTerm) -> dict[str, str]:
    """Casefolded names and acronyms of every other term -> that term's slug."""
    taken = {}
    for slug, name, acronyms in GlossaryTerm.objects.exclude(pk=term.pk).values_list(
        "slug", "term", "acronyms"
    ):
        for value in [name, *acronyms]:
            taken.setdefault(value.casefold(), slug)
    return taken


def glossary_linker() -> GlossaryLinker:
    terms = GlossaryTerm.objects.filter(autolink=True).values_list("slug", "term", "acronyms")
    return GlossaryLinker.build(terms)


def _derive(obj: ContentItem) -> None:
    """Fields the loader derives from the file, derived again from the saved record."""
    linked = isinstance(obj, (Program, Question)) and obj.glossary_links
    rendered = render(obj.body, glossary_linker() if linked else NO_GLOSSARY)
    obj.body_html = rendered.html
    if hasattr(obj, "toc"):
        obj.toc = rendered.toc
    if isinstance(obj, Program):
        chain, node = [], obj.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        chain.reverse()
        obj.ancestors = [[n.slug, n.title, n.acronym] for n in chain]
        obj.depth = len(chain)
        obj.tree_order = tree_order_key([(n.order, n.slug) for n in [*chain, obj]])


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
