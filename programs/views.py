"""Public pages. Each view reads stored, already-rendered content; nothing is rendered here."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from . import capture_diff, history, jsonld, search
from . import open_data as open_data_module
from . import site_search as ranking  # the view below is called site_search
from .context_processors import MAIN_NAV, site
from .i18n import FAQ_TOPIC_NAMES, only_english, with_translations
from .kinds import BY_NAME, FAQ_TOPICS
from .markdown import plain_text
from .models import Fact, GlossaryTerm, Page, Program, Question, Source, SourceCapture
from .page_cache import reads_query
from .page_sections import Section, find_section, page_sections
from .site_address import absolute_url
from .tree import build_tree, walk

ERO_SLUG = "enforcement-and-removal-operations"


def crumb(url_name: str, *args, label=None) -> tuple[str, str]:
    """A breadcrumb: the route's address, and its label in the main navigation by default."""
    return reverse(url_name, args=args), label or MAIN_NAV[url_name]


def _page_or_none(slug: str) -> Page | None:
    return with_translations(Page.objects.prefetch_related("sources")).filter(slug=slug).first()


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    ero = Program.objects.filter(slug=ERO_SLUG).first()
    divisions = ero.children.only("slug", "title", "acronym", "summary") if ero else []
    figures = (
        Fact.objects.filter(program=ero)
        .select_related("source", "capture")
        .defer("capture__text")
        .order_by("order")[:6]
        if ero
        else []
    )
    faq = _faq_urls(FIND_SOMEONE, REPORT_ABUSE)
    intro = _page_or_none("home")
    resources = _resource_sections()
    context = {
        "intro": intro,
        "ero": ero,
        "divisions": divisions,
        "figures": figures,
        "other_roots": Program.objects.filter(parent=None).exclude(slug=ERO_SLUG),
        "program_count": Program.objects.count(),
        "source_count": Source.objects.count(),
        "tree_source": Source.newest(),
        "find_someone_url": faq.get(FIND_SOMEONE),
        "locator_url": _resource_url(resources, "Online Detainee Locator"),
        "report_abuse_url": faq.get(REPORT_ABUSE),
        **only_english(intro),
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
    programs = list(Program.objects.for_tree())
    roots = build_tree(programs)
    return render(
        request,
        "programs/program_list.html",
        {
            "roots": roots,
            "outline": list(walk(roots)),
            "program_count": len(programs),
            "tree_source": Source.newest(),
        },
    )


@require_safe
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(
        with_translations(Program.objects.select_related("parent")), slug=slug
    )
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
        "facts": program.facts.select_related("source", "capture").defer(
            "source__text", "source__body", "source__body_html", "capture__text"
        ),
        "cited": cited,
        "all_older": bool(cited) and all(s.is_older for s in cited),
        "terms": program.glossary_terms.only("slug", "term", "acronyms"),
        "questions": program.questions.only("slug", "question"),
        "also_called": [n for n in other_names if n["kind"] == "also"],
        "formerly": [n for n in other_names if n["kind"] == "formerly"],
        "crumbs": [
            crumb("program_list"),
            *(
                crumb("program_detail", s, label=acronym or title)
                for s, title, acronym in program.ancestors
            ),
        ],
        **only_english(program),
    }
    return render(request, "programs/program_detail.html", context)


@require_safe
def program_history(request: HttpRequest, slug: str) -> HttpResponse:
    fields = ("slug", "title", "acronym", "file_text", "updated_at")
    program = get_object_or_404(Program.objects.only(*fields), slug=slug)
    context = {
        "program": program,
        "versions": history.versions(program),
        "crumbs": [crumb("program_list"), crumb("program_detail", slug, label=program.title)],
    }
    return render(request, "programs/history.html", context)


@require_safe
def source_list(request: HttpRequest) -> HttpResponse:
    sources = Source.objects.defer("text").prefetch_related("programs")
    return render(request, "programs/source_list.html", {"sources": sources})


@require_safe
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(with_translations(Source.objects.all()), slug=slug)
    return render(
        request,
        "programs/source_detail.html",
        {
            "source": source,
            "captures": source.captures.defer("text"),
            "paragraphs": source.shown_paragraphs(),
            "citing": source.programs.only("slug", "title", "acronym"),
            "citing_pages": source.pages.only("slug", "title"),
            "crumbs": [crumb("source_list")],
            **only_english(source),
        },
    )


@require_safe
def source_changes(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(with_translations(Source.objects.defer("text")), slug=slug)
    return render(
        request,
        "programs/source_changes.html",
        {
            "source": source,
            "changes": capture_diff.source_changes(source),
            "crumbs": [crumb("source_list"), crumb("source_detail", slug, label=source.title)],
            **only_english(source),
        },
    )


def _markdown_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(with_translations(Page.objects.prefetch_related("sources")), slug=slug)
    return render(request, "pages/page.html", {"page": page, **only_english(page)})


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
    return render(request, "404.html", {"no_twin": True}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without a request, so nothing here touches the database, which may be what failed.
    return HttpResponse(loader.get_template("500.html").render(site(None)), status=500)


@reads_query("q", "fragment")
@require_safe
def glossary(request: HttpRequest) -> HttpResponse:
    query = search.clean_query(request.GET.get("q")) if "q" in request.GET else None
    context = {"query": query}
    if query:
        index = search.glossary_index(get_language())
        ranked, total = search.best_terms(query, index, MAX_GLOSSARY_RESULTS)
        # An entry found by its name in the other language says which name matched.
        results = [
            (entry, search.other_language_match(entry, query, index))
            if tier == search.OTHER_LANGUAGE
            else (entry, None)
            for entry, tier in ranked
        ]
        context["results"] = results
        context["total"] = total
        context["suggestions"] = [] if results else search.closest_terms(query, index)
    if request.GET.get("fragment") == "results":
        # The as-you-type filter asks for just the results, ranked by the same function.
        return render(request, "glossary/results.html", context)
    if query:
        # A results page lists the matches only; the full A-Z list is one link away.
        return render(request, "glossary/glossary.html", context)
    # In the reader's language, alphabetical by the name shown, accents ignored.
    terms = sorted(
        GlossaryTerm.objects.prefetch_related("related"), key=lambda t: search.fold(t.term)
    )
    context |= {
        "terms": terms,
        "letters": {t.initial for t in terms},
        "alphabet": ALPHABET,
        "glossary_jsonld": jsonld.glossary(terms),
    }
    return render(request, "glossary/glossary.html", context)


@reads_query("q", "page")
@require_safe
def site_search(request: HttpRequest) -> HttpResponse:
    query = search.clean_query(request.GET.get("q"))
    context: dict = {"query": query}
    if query:
        ranked = ranking.search(query, get_language())
        vocabulary = ranked.index.vocabulary
        page = Paginator(ranked, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        context["page"] = page
        context["results"] = [
            {
                "item": item,
                "label": RESULT_LABELS[item.kind],
                "snippet": mark_safe(  # noqa: S308 (escaped by highlight)
                    ranking.highlight(
                        item.snippet_text, query, vocabulary, folded=item.folded_snippet_text
                    )
                ),
            }
            for item, _score in page.object_list
        ]
        context["total"] = len(ranked)
        context["page_links"] = page.paginator.get_elided_page_range(page.number, on_each_side=2)
        context["not_covered"] = ranking.not_covered(query, vocabulary)
        if context["not_covered"]:
            context["general_contact"] = _faq_urls(GENERAL_CONTACT).get(GENERAL_CONTACT)
            sections = _resource_sections()
            context["attorney_info"] = _resource_url(sections, "Attorney Information")
    return render(request, "search/search.html", context)


RESULTS_PER_PAGE = 20
# A result's kind as readers call it: each kind's label, and the help entries of /resources/.
RESULT_LABELS = {name: kind.label for name, kind in BY_NAME.items()} | {
    "resource": _("Help and resources")
}


MAX_GLOSSARY_RESULTS = 100  # keeps a results page small even for a one-letter query
ALPHABET = [chr(c) for c in range(ord("A"), ord("Z") + 1)]


@require_safe
def glossary_term(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(
        with_translations(
            GlossaryTerm.objects.select_related("quote_source", "quote_capture").defer(
                "quote_capture__text"
            )
        ),
        slug=slug,
    )
    context = {
        "term": term,
        "description": Truncator(plain_text(term.body_html)).words(30),
        "term_jsonld": jsonld.term(term),
        "related": term.related.only("slug", "title", "acronym", "summary"),
        "see_also": term.see_also.only("slug", "term"),
        "questions": term.questions.only("slug", "question"),
        "cited": term.sources.defer("text", "body", "body_html"),
        "crumbs": [crumb("glossary")],
        **only_english(term),
    }
    return render(request, "glossary/term.html", context)


@require_safe
def faq(request: HttpRequest) -> HttpResponse:
    questions = Question.objects.prefetch_related("sources", "related_programs")
    # A translated answer shows the source quotes it rests on, in English beside this site's
    # rendering; the English answers quote their sources in their own text.
    translated = get_language() != settings.LANGUAGE_CODE
    sources = (
        {s.source_id: s for s in Source.objects.defer("text", "body", "body_html")}
        if translated
        else {}
    )
    captures = _pinned_captures(questions) if translated else {}
    by_topic: dict[str, list] = {topic: [] for topic in FAQ_TOPICS}
    for question in questions:
        question.quotes_shown = supporting_quotes(question, sources, captures) if translated else []
        by_topic.setdefault(question.topic, []).append(question)
    # Anchors stay the English topic's slug, so /faq/#x and /es/faq/#x are the same place.
    topics = [
        (FAQ_TOPIC_NAMES.get(topic, topic), slugify(topic), items)
        for topic, items in by_topic.items()
        if items
    ]
    most_asked = sorted((q for q in questions if q.most_asked), key=lambda q: q.most_asked)
    return render(
        request,
        "faq/faq.html",
        {
            "topics": topics,
            "most_asked": most_asked,
            "faq_jsonld": jsonld.faq(q for _, _, items in topics for q in items),
        },
    )


def supporting_quotes(question: Question, sources: dict, captures: dict) -> list[dict]:
    """Each source quote of an answer, in English, with this site's rendering when the page is
    in another language, and the capture it is pinned to, if any."""
    renderings = getattr(question, "quote_translations", [])
    return [
        {
            "quote": item["quote"],
            "source": sources.get(item["id"]),
            "rendering": renderings[i] if i < len(renderings) else "",
            "capture": captures.get((item["id"], item.get("capture"))),
        }
        for i, item in enumerate(question.source_quotes)
    ]


def _pinned_captures(questions) -> dict[tuple[str, str], SourceCapture]:
    """The captures the answers' quotes are pinned to, by (source id, key), in one query."""
    pins = {(i["id"], i["capture"]) for q in questions for i in q.source_quotes if "capture" in i}
    if not pins:
        return {}
    rows = SourceCapture.objects.select_related("source").defer("text", "source__text")
    rows = rows.filter(key__in={key for _sid, key in pins})
    return {(c.source.source_id, c.key): c for c in rows if (c.source.source_id, c.key) in pins}
