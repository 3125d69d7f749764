"""Spanish queries find the right entry, with and without accents, on Spanish and English pages;
stemming and stop words come from the Spanish analyzer; exact accents rank higher."""

import re

import pytest

from programs.search import TermEntry, build_glossary_index, rank_terms
from programs.spanish import spanish_words

pytestmark = pytest.mark.django_db


def results(client, path, query) -> list[str]:
    """The slugs of the results, in order, on a glossary or site search page."""
    return listed(client.get(path, {"q": query}).content.decode())


def listed(html: str) -> list[str]:
    listing = re.search(
        r'<ol class="[^"]*(?:glossary-results__list|search-results)"[^>]*>(.*?)</ol>', html, re.S
    )
    pattern = r'href="(?:/es)?/(?:glossary|programs|faq)/#?([a-z0-9-]+)/?"'
    return re.findall(pattern, listing.group(1)) if listing else []


# The common terms of the issue, as a Spanish reader types them, with and without accents.
GLOSSARY = [
    ("fianza", "immigration-bond"),
    ("fianzas", "immigration-bond"),
    ("bond", "immigration-bond"),
    ("orden de expulsión", "final-order-of-removal"),
    ("orden de expulsion", "final-order-of-removal"),
    ("detención", "immigration-detention"),
    ("detencion", "immigration-detention"),
    ("localizador de detenidos", "immigration-detention"),
    ("atención médica", "ice-health-service-corps"),
    ("atencion medica", "ice-health-service-corps"),
    ("fugitivo", "fugitive-alien"),
    ("fugitivos", "immigration-fugitives"),
    ("alternativas a la detención", "alternatives-to-detention"),
    ("alternativas a la detencion", "alternatives-to-detention"),
]
SITE = [
    ("fianza", "immigration-bond"),
    ("orden de expulsión", "final-order-of-removal"),
    ("orden de expulsion", "final-order-of-removal"),
    ("localizador de detenidos", "where-does-ice-list-its-public-tools"),
    ("atención médica", "who-provides-health-care-in-ice-detention"),
    ("atencion medica", "who-provides-health-care-in-ice-detention"),
    ("fugitivo", "fugitive-alien"),
    ("alternativas a la detención", "alternatives-to-detention"),
    ("alternativas a la detencion", "alternatives-to-detention"),
]


@pytest.mark.parametrize(("query", "slug"), GLOSSARY)
def test_spanish_glossary_puts_the_entry_in_the_top_three(client, query, slug):
    found = results(client, "/es/glossary/", query)
    assert slug in found[:3], found[:5]


@pytest.mark.parametrize(("query", "slug"), SITE)
def test_spanish_site_search_puts_the_page_in_the_top_three(client, query, slug):
    found = results(client, "/es/search/", query)
    assert slug in found[:3], found[:5]


def test_spanish_results_link_to_spanish_pages(client):
    html = client.get("/es/search/", {"q": "fianza"}).content.decode()
    assert 'href="/es/glossary/immigration-bond/"' in html
    assert 'href="/glossary/immigration-bond/"' not in html


@pytest.mark.parametrize(
    ("query", "slug", "name"),
    [
        ("fianza", "immigration-bond", "Fianza de inmigración"),
        ("orden de expulsion", "final-order-of-removal", "Orden final de expulsión"),
        ("alternativas a la detención", "alternatives-to-detention", "Alternativas a la detención"),
    ],
)
def test_a_spanish_query_on_an_english_page_finds_the_entry_and_says_why(client, query, slug, name):
    html = client.get("/glossary/", {"q": query}).content.decode()
    found = listed(html)
    assert slug in found[:3], found[:5]
    item = re.search(rf'href="/glossary/{slug}/".*?</li>', html, re.S).group(0)
    assert f'matches the Spanish name <span lang="es">“{name}”</span>' in item


def test_an_english_name_on_a_spanish_page_says_which(client):
    html = client.get("/es/glossary/", {"q": "removal order"}).content.decode()
    assert "final-order-of-removal" in listed(html)[:3]
    assert (
        'coincide con el nombre en inglés <span lang="en">“Final order of removal”</span>' in html
    )


def test_spanish_words_are_stemmed_and_stop_words_left_out():
    assert spanish_words("Las fianzas de inmigración") == spanish_words("fianza inmigracion")
    assert spanish_words("de la y el") == []
    assert spanish_words("Detenidos") == spanish_words("detenido")


def test_exact_accents_rank_first_within_a_tier():
    entries = [
        TermEntry("a-sin", "Ano fiscal", [], [], "x", other_names=["year"]),
        TermEntry("b-con", "Año fiscal", [], [], "x", other_names=["year"]),
    ]
    index = build_glossary_index(entries, "es")
    # Without accents, alphabetical; with them, the entry written "año" comes first.
    assert [e.slug for e, _ in rank_terms("ano", index)] == ["a-sin", "b-con"]
    assert [e.slug for e, _ in rank_terms("año", index)] == ["b-con", "a-sin"]


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("fianza", "immigration-bond"),
        ("orden de expulsión", "final-order-of-removal"),
        ("alternativas a la detencion", "alternatives-to-detention"),
    ],
)
def test_a_spanish_query_in_the_english_site_search_finds_the_page(client, query, slug):
    found = results(client, "/search/", query)
    assert slug in found[:3], found[:5]
