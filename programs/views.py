"""Public pages. Each view reads stored, already-rendered content; nothing is rendered here."""

import difflib
import itertools
import json

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from . import open_data as open_data_module
from . import search
from . import site_search as ranking  # the view below is called site_search
from .content import FAQ_TOPICS
from .context_processors import site
from .markdown import first_paragraph, plain_text
from .models import Fact, GlossaryTerm, Page, Program, Question, Revision, Source
from .page_cache import reads_query
from .page_sections import Section, find_section, page_sections
from .site_address import absolute_url
from .tree import build_tree, walk

ERO_SLUG = "enforcement-and-removal-operations"


def _page_or_none(slug: str) -> Page | None:
    return Page.objects.prefetch_related("sources").filter(slug=slug).first()


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    ero = Program.objects.filter(slug=ERO_SLUG).first()
    divisions = ero.children.only("slug", "title", "acronym", "summary") if ero else []
    figures = (
        Fact.objects.filter(program=ero).select_related("source").order_by("order")[:6]
        if ero
        else []
    )
    faq = _faq_urls(FIND_SOMEONE, REPORT_ABUSE)
    resources = _resource_sections()
    context = {
        "intro": _page_or_none("home"),
        "ero": ero,
        "divisions": divisions,
        "figures": figures,
        "other_roots": Program.objects.filter(parent=None).exclude(slug=ERO_SLUG),
        "program_count": Program.objects.count(),
        "find_someone_url": faq.get(FIND_SOMEONE),
        "locator_url": _resource_url(resources, "Online Detainee Locator"),
        "report_abuse_url": faq.get(REPORT_ABUSE),
    }
    return render(request, "home.html", context)


# Where the home page's tasks and the search's "not covered" note lead. An FAQ answer is named
# by its slug; a resources entry by words of its heading, because its anchor follows whatever
# heading an editor writes. A link whose target is gone is left out rather than left broken.
FIND_SOMEONE = "how-can-i-find-someone-in-ice-detention"
REPORT_ABUSE = "how-can-someone-report-abuse-in-ice-detention"
GENERAL_CONTACT = "how-do-i-contact-ice-for-general-information"


def _faq_urls(*slugs: str) -> dict[str, str]:
    found = set(Question.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    return {slug: f"{reverse('faq')}#{slug}" for slug in slugs if slug in found}


def _resource_sections() -> list[Section]:
    page = Page.objects.filter(slug="resources").only("body_html").first()
    return page_sections(page.body_html) if page else []


def _resource_url(sections: list[Section], *names: str) -> str | None:
    section = find_section(sections, *names)
    return f"{reverse('resources')}#{section.anchor}" if section else None


@require_safe
def program_list(request: HttpRequest) -> HttpResponse:
    programs = list(Program.objects.published().for_tree())
    roots = build_tree(programs)
    return render(
        request,
        "programs/program_list.html",
        {"roots": roots, "outline": list(walk(roots)), "program_count": len(programs)},
    )


@require_safe
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(Program.objects.select_related("parent"), slug=slug)
    tree_fields = ("slug", "title", "acronym", "summary", "parent_id", "order")
    siblings = (
        program.parent.children.only(*tree_fields)
        if program.parent
        else Program.objects.filter(parent=None).only(*tree_fields)
    )
    sources = {s.source_id: s for s in Source.objects.defer("text", "body", "body_html")}
    cited_ids = set(program.sources.values_list("source_id", flat=True))
    cited = [s for sid, s in sorted(sources.items()) if sid in cited_ids]
    other_names = [dict(n, source=sources.get(n["source"])) for n in program.other_names]
    context = {
        "program": program,
        "children": program.children.only(*tree_fields),
        "also_children": program.also_children.only(*tree_fields),
        "also_parents": program.also_parents.only(*tree_fields),
        "siblings": siblings,
        "facts": program.facts.select_related("source").defer(
            "source__text", "source__body", "source__body_html"
        ),
        "cited": cited,
        "all_older": bool(cited) and all(s.is_older for s in cited),
        "terms": program.glossary_terms.only("slug", "term", "acronyms"),
        "questions": program.questions.only("slug", "question"),
        "also_called": [n for n in other_names if n["kind"] == "also"],
        "formerly": [n for n in other_names if n["kind"] == "formerly"],
    }
    return render(request, "programs/program_detail.html", context)


@require_safe
def program_history(request: HttpRequest, slug: str) -> HttpResponse:
    fields = ("slug", "title", "acronym", "file_text", "updated_at")
    program = get_object_or_404(Program.objects.only(*fields), slug=slug)
    revisions = Revision.objects.filter(kind=Program.KIND, slug=slug)
    versions = [{"label": "current", "date": program.updated_at, "text": program.file_text}]
    versions += [
        {"label": "earlier", "date": r.saved_at, "by": r.replaced_by, "text": r.file_text}
        for r in revisions
    ]
    for newer, older in itertools.pairwise(versions):
        newer["diff"] = diff_lines(older["text"], newer["text"])
    return render(request, "programs/history.html", {"program": program, "versions": versions})


def diff_lines(before: str, after: str) -> list[tuple[str, str]]:
    """A unified diff as (kind, line) pairs: "add", "remove", "same" or "gap"."""
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), n=2, lineterm="")
    kinds = {"+": "add", "-": "remove", " ": "same", "@": "gap"}
    return [(kinds[line[0]], line[1:]) for line in list(lines)[2:] if line]


@require_safe
def source_list(request: HttpRequest) -> HttpResponse:
    sources = Source.objects.defer("text").prefetch_related("programs")
    return render(request, "programs/source_list.html", {"sources": sources})


@require_safe
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source, slug=slug)
    return render(
        request,
        "programs/source_detail.html",
        {
            "source": source,
            "paragraphs": source_paragraphs(source),
            "citing": source.programs.only("slug", "title", "acronym"),
            "citing_pages": source.pages.only("slug", "title"),
        },
    )


def source_paragraphs(source: Source) -> list[str]:
    """The captured text as paragraphs, without the home page's list of Most Wanted names."""
    shown, in_list, noted = [], False, False
    for line in source.text.split("\n"):
        if line.startswith("## "):
            in_list, noted = line.strip() == "## Most Wanted", False
        elif in_list and line.startswith("- "):
            if not noted:
                shown.append(OMITTED_NOTE)
                noted = True
            continue
        shown.append(line)
    blocks = "\n".join(shown).split("\n\n")
    return [b.strip("\n") for b in blocks if b.strip()]


OMITTED_NOTE = "[A list of ten names is omitted here: this site does not reproduce them.]"


def _markdown_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(Page.objects.prefetch_related("sources"), slug=slug)
    return render(request, "pages/page.html", {"page": page})


@require_safe
def resources(request: HttpRequest) -> HttpResponse:
    return _markdown_page(request, "resources")


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return _markdown_page(request, "about")


@require_safe
def open_data(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if name not in open_data_module.DATASETS:
        raise Http404
    if fmt == "json":
        body, content_type = open_data_module.as_json(name), "application/json"
    else:
        body, content_type = open_data_module.as_csv(name), "text/csv; charset=utf-8"
    return HttpResponse(body, content_type=content_type)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap_url = absolute_url(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without a request, so nothing here touches the database, which may be what failed.
    return HttpResponse(loader.get_template("500.html").render(site(None)), status=500)


@reads_query("q", "fragment")
@require_safe
def glossary(request: HttpRequest) -> HttpResponse:
    query = search.clean_query(request.GET.get("q")) if "q" in request.GET else None
    context = {"query": query}
    if query:
        index = search.glossary_index()
        results = [entry for entry, _tier in search.rank_terms(query, index)]
        context["results"] = results[:MAX_GLOSSARY_RESULTS]
        context["total"] = len(results)
        context["suggestions"] = [] if results else search.closest_terms(query, index)
    if request.GET.get("fragment") == "results":
        # The as-you-type filter asks for just the results, ranked by the same function.
        return render(request, "glossary/results.html", context)
    if query:
        # A results page lists the matches only; the full A-Z list is one link away.
        return render(request, "glossary/glossary.html", context)
    terms = list(GlossaryTerm.objects.prefetch_related("related").order_by("term"))
    context |= {
        "terms": terms,
        "letters": {t.initial for t in terms},
        "alphabet": ALPHABET,
        "glossary_jsonld": glossary_jsonld(terms),
    }
    return render(request, "glossary/glossary.html", context)


def glossary_jsonld(terms) -> str:
    url = absolute_url(reverse("glossary"))
    return jsonld(
        {
            "@context": "https://schema.org",
            "@type": "DefinedTermSet",
            "@id": url,
            "name": "Glossary of ICE Enforcement and Removal Operations terms",
            "hasDefinedTerm": [
                # Each term's definition is in the JSON-LD of its own page; here, names and
                # links keep the glossary page light.
                {
                    "@type": "DefinedTerm",
                    "name": t.term,
                    **({"termCode": ", ".join(t.acronyms)} if t.acronyms else {}),
                    "url": absolute_url(t.get_absolute_url()),
                }
                for t in terms
            ],
        }
    )


@reads_query("q", "page")
@require_safe
def site_search(request: HttpRequest) -> HttpResponse:
    query = search.clean_query(request.GET.get("q"))
    context: dict = {"query": query}
    if query:
        ranked = ranking.search(query)
        vocabulary = ranked.index.vocabulary
        page = Paginator(ranked, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        context["page"] = page
        context["results"] = [
            {
                "item": item,
                "label": KIND_LABELS[item.kind],
                "snippet": mark_safe(  # noqa: S308 (escaped by highlight)
                    ranking.highlight(
                        item.snippet_text, query, vocabulary, folded=item.folded_snippet_text
                    )
                ),
            }
            for item, _score in page.object_list
        ]
        context["total"] = len(ranked)
        context["not_covered"] = ranking.not_covered(query, vocabulary)
        if context["not_covered"]:
            context["general_contact"] = _faq_urls(GENERAL_CONTACT).get(GENERAL_CONTACT)
            sections = _resource_sections()
            context["attorney_info"] = _resource_url(sections, "Attorney Information")
        context["page_links"] = page.paginator.get_elided_page_range(page.number, on_each_side=2)
    return render(request, "search/search.html", context)


RESULTS_PER_PAGE = 20
KIND_LABELS = {
    "program": _("Program"),
    "term": _("Glossary term"),
    "question": _("Question"),
    "resource": _("Help and resources"),
}


MAX_GLOSSARY_RESULTS = 100  # keeps a results page small even for a one-letter query
ALPHABET = [chr(c) for c in range(ord("A"), ord("Z") + 1)]


@require_safe
def glossary_term(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(GlossaryTerm.objects.select_related("quote_source"), slug=slug)
    context = {
        "term": term,
        "description": Truncator(plain_text(term.body_html)).words(30),
        "term_jsonld": jsonld(
            {
                "@context": "https://schema.org",
                "@type": "DefinedTerm",
                "name": term.term,
                **({"termCode": ", ".join(term.acronyms)} if term.acronyms else {}),
                "description": plain_text(term.body_html),
                "url": absolute_url(term.get_absolute_url()),
                "inDefinedTermSet": absolute_url(reverse("glossary")),
            }
        ),
        "related": term.related.only("slug", "title", "acronym", "summary"),
        "see_also": term.see_also.only("slug", "term"),
        "questions": term.questions.only("slug", "question"),
        "cited": term.sources.defer("text", "body", "body_html"),
    }
    return render(request, "glossary/term.html", context)


@require_safe
def faq(request: HttpRequest) -> HttpResponse:
    questions = Question.objects.prefetch_related("sources", "related_programs")
    by_topic: dict[str, list] = {topic: [] for topic in FAQ_TOPICS}
    for question in questions:
        by_topic.setdefault(question.topic, []).append(question)
    topics = [(topic, slugify(topic), items) for topic, items in by_topic.items() if items]
    most_asked = sorted((q for q in questions if q.most_asked), key=lambda q: q.most_asked)
    return render(
        request,
        "faq/faq.html",
        {
            "topics": topics,
            "most_asked": most_asked,
            "faq_jsonld": faq_jsonld(q for _, _, items in topics for q in items),
        },
    )


def faq_jsonld(questions) -> str:
    """schema.org FAQPage data for exactly the questions shown, safe inside a <script> tag."""
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": q.question,
                # The opening answers the question (the style guide's rule); the
                # page shows the rest, and repeating it all here doubles the page.
                "acceptedAnswer": {
                    "@type": "Answer",
                    "text": plain_text(first_paragraph(q.body_html)),
                },
            }
            for q in questions
        ],
    }
    return jsonld(data)


def jsonld(data: dict) -> str:
    # The same escaping as Django's json_script: no "<", ">" or "&" can end the script early.
    return json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)


JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
