"""Glossary and site search: each way of finding a term, the ranking, and any query is safe."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs import search, site_search
from programs.search import TermEntry, best_terms, build_glossary_index, rank_terms

pytestmark = pytest.mark.django_db


def glossary_results(client, query) -> list[str]:
    html = client.get("/glossary/", {"q": query}).content.decode()
    listing = re.search(r'<ol class="usa-list glossary-results__list">(.*?)</ol>', html, re.S)
    return re.findall(r'href="/glossary/([^/"]+)/"', listing.group(1)) if listing else []


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("CAP", "criminal-apprehension-program"),  # acronym
        ("cap", "criminal-apprehension-program"),  # any case
        ("287g", "section-287g"),  # without punctuation
        ("287 (g)", "section-287g"),  # with spaces and brackets
        ("i.s.a.p", "intense-supervision-appearance-program"),  # with dots
        ("FOT", "fugitive-operations-teams"),  # singular of FOTs
        ("Fugitive Operations Teams", "fugitive-operations-teams"),  # full name
        ("Criminal Alien Program", "criminal-apprehension-program"),  # older name
        ("Fugitive Alien Removal", "fugitive-arrest-and-removal"),  # older expansion
        ("alien", "noncitizen"),  # also-known-as
        ("fugitve alien", "fugitive-alien"),  # one letter missing
        ("Criminal Aprehension Progam", "criminal-apprehension-program"),  # two misspelt words
        ("detainr", "immigration-detainer"),  # misspelt, 7 letters
    ],
)
def test_glossary_finds_the_term_first(client, query, slug):
    results = glossary_results(client, query)
    assert results and results[0] == slug, results[:5]


def test_word_prefix_of_the_name_finds_the_term(client):
    assert "national-fugitive-operations-program" in glossary_results(client, "nation fugit")


def test_words_of_the_definition_find_the_term(client):
    # "fingerprint" is in the definition of IDENT/IAFIS entries, not in their names.
    results = glossary_results(client, "fingerprints")
    assert "integrated-automated-fingerprint-identification-system" in results


def make_index():
    entries = [
        TermEntry("zeta", "Zeta program", ["ZP"], [], "Runs operations."),
        TermEntry("alpha-ops", "Alpha operations", [], ["Old zeta name"], "About zp."),
        TermEntry("operations", "Operations", [], [], "Plain."),
        TermEntry("beta", "Beta", [], [], "Mentions operations and the zeta program."),
        TermEntry("zp-other", "Zone patrol", ["ZP"], [], "Second meaning."),
    ]
    return build_glossary_index(entries)


def ranked(query):
    return [e.slug for e, _ in rank_terms(query, make_index())]


def test_ranking_exact_then_name_prefix_then_alias_then_definition():
    assert ranked("operations") == ["operations", "alpha-ops", "beta", "zeta"]
    assert ranked("zeta") == ["zeta", "alpha-ops", "beta"]


def test_the_best_few_are_the_head_of_the_full_ranking_with_the_full_count():
    for query in ("operations", "zeta", "ZP"):
        top, total = best_terms(query, make_index(), 2)
        assert [e.slug for e, _ in top] == ranked(query)[:2]
        assert total == len(ranked(query)) > 2


def test_ambiguous_acronym_shows_every_meaning_alphabetically():
    assert ranked("ZP")[:2] == ["zeta", "zp-other"]


def test_a_short_word_is_not_matched_fuzzily():
    assert ranked("zetb") == []  # four letters: no misspelling match


def test_no_results_suggests_terms_and_links_to_site_search(client):
    html = client.get("/glossary/", {"q": "fugitiv aleins xq"}).content.decode()
    assert "No term matches." in html
    assert "The closest terms are:" in html
    assert 'href="/search/?q=fugitiv%20aleins%20xq"' in html


def test_results_page_keeps_query_counts_and_orders(client):
    html = client.get("/glossary/", {"q": "FOT"}).content.decode()
    assert 'value="FOT"' in html
    assert re.search(r"\d+ terms? match(es)? “FOT”", html)
    assert '<ol class="usa-list glossary-results__list">' in html


def test_static_search_messages_are_rendered_by_the_server(client):
    # The static export's search script shows these words; they pass through translation here.
    for path in ("/glossary/", "/search/"):
        html = client.get(path).content.decode()
        assert 'data-result-other="{count} results for “{query}”."' in html
        assert 'data-unavailable="Search is not available here."' in html


def test_as_you_type_fragment_uses_the_same_ranking(client):
    page = client.get("/glossary/", {"q": "removal"}).content.decode()
    fragment = client.get("/glossary/", {"q": "removal", "fragment": "results"}).content.decode()
    order = lambda html: re.findall(r'<li><a href="/glossary/([^/]+)/"', html)  # noqa: E731
    assert order(fragment) and order(fragment) == order(page)[: len(order(fragment))]
    assert "<html" not in fragment


# --- Site search ---------------------------------------------------------------------------
def site_results(client, query, page=1):
    html = client.get("/search/", {"q": query, "page": page}).content.decode()
    return re.findall(r'class="search-result__title" href="([^"]+)"', html), html


def test_site_search_title_matches_rank_first(client):
    urls, _ = site_results(client, "Rapid REPAT")
    assert urls[0] in {
        "/programs/rapid-repat/",
        "/glossary/rapid-removal-of-eligible-parolees-accepted-for-transfer/",
    }


def test_glossary_feeds_site_search_acronym_finds_program_pages(client):
    urls, _ = site_results(client, "FOT")
    assert "/programs/fugitive-operations-teams/" in urls[:5]
    assert "/programs/fugitive-operations-division/" in urls


def test_site_search_finds_pages_by_older_name_and_misspelling(client):
    # Questions with the older name in their title rank above it; then the program itself.
    urls, _ = site_results(client, "Criminal Alien Program")
    assert "/programs/criminal-apprehension-program/" in urls[:5]
    urls, _ = site_results(client, "Criminal Aprehension Program")
    assert "/programs/criminal-apprehension-program/" in urls[:3]


def test_site_search_results_are_labelled_and_marked(client):
    _, html = site_results(client, "bond")
    assert "Program</span>" in html and "Glossary term</span>" in html
    assert "<mark>" in html.lower()


def test_site_search_ranks_title_above_summary_above_body():
    from programs.site_search import Item, build_site_index

    items = [
        Item("program", "b", "Other", "/b", "", "mentions widget in the body"),
        Item("program", "c", "Third", "/c", "a widget summary", ""),
        Item("program", "a", "Widget", "/a", "", ""),
    ]
    index = build_site_index(items, {})
    empty = build_glossary_index([])
    assert [i.slug for i, _ in site_search.rank_site("widget", index, empty)] == ["a", "c", "b"]


def test_site_search_paginates_twenty_per_page(client):
    urls, html = site_results(client, "the")
    assert len(urls) == 20
    assert 'rel="next"' in html
    urls2, _ = site_results(client, "the", page=2)
    assert urls2 and not set(urls) & set(urls2)


def test_header_search_box_on_every_page_goes_to_site_search(client):
    for path in ("/", "/programs/rapid-repat/", "/faq/"):
        html = client.get(path).content.decode()
        assert 'action="/search/"' in html and 'name="q"' in html


def test_snippet_is_escaped_then_marked():
    snippet = site_search.highlight("<b>FOT</b> & teams", "fot")
    assert snippet.startswith("&lt;b&gt;<mark>FOT</mark>&lt;/b&gt; &amp;")


def test_snippet_marks_every_form_of_the_word_and_starts_near_the_first():
    text = "An opening sentence about other things. " * 6 + (
        "ICE deported him; deportations rose. The depot closed."
    )
    snippet = site_search.highlight(text, "deported")
    assert snippet.startswith("…") and "opening" not in snippet[:20]
    assert "<mark>deported</mark>" in snippet and "<mark>deportations</mark>" in snippet
    assert "<mark>depot</mark>" not in snippet


def test_long_query_is_cut_and_control_characters_removed():
    assert len(search.clean_query("x" * 500)) == 200
    assert search.clean_query("a\x00b\u200fc") == "abc"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_any_query_is_safe_on_both_search_pages(client, query):
    for path in ("/glossary/", "/search/"):
        response = client.get(path, {"q": query})
        assert response.status_code == 200
        html = response.content.decode()
        shown = search.clean_query(query)
        if "<" in shown:
            assert f'value="{shown}"' not in html  # never echoed unescaped
