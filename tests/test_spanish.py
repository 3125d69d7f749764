"""The site in Spanish: every page at /es/ + its English path, linked both ways with hreflang,
translations checked against their English twins, quotes kept in English, dates spelled out,
and a page with no translation yet marked as English and kept out of search engines."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

from programs import search, site_search
from programs.content import ContentErrors, read_content
from programs.content_warnings import content_warnings
from programs.i18n import _ReadingIn
from programs.markdown import render
from programs.models import READING_LANGUAGE, GlossaryTerm, Program, Source
from programs.sync import sync_content
from programs.translations import english_hash

from .conftest import CONTENT_DIR, SITE_URL

pytestmark = pytest.mark.django_db

FIXED_PAGES = [
    "/",
    "/programs/",
    "/glossary/",
    "/faq/",
    "/search/",
    "/sources/",
    "/resources/",
    "/about/",
]
NOT_OFFICIAL_ES = "Este no es un sitio web oficial del gobierno"


def every_english_page() -> list[str]:
    paths = list(FIXED_PAGES)
    paths += [p.get_absolute_url() for p in Program.objects.only("slug")]
    paths += [f"/programs/{p.slug}/history/" for p in Program.objects.only("slug")]
    paths += [t.get_absolute_url() for t in GlossaryTerm.objects.only("slug")]
    paths += [s.get_absolute_url() for s in Source.objects.only("slug")]
    return paths


def alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)">', html))


# --- URLs, twins and hreflang -----------------------------------------------------------------
def test_every_page_has_a_spanish_twin_and_they_link_both_ways(client):
    paths = every_english_page()
    assert len(paths) > 250
    for path in paths:
        english = client.get(path).content.decode()
        spanish_response = client.get("/es" + path)
        assert spanish_response.status_code == 200, path
        spanish = spanish_response.content.decode()
        assert '<html lang="en">' in english and '<html lang="es">' in spanish, path
        # No fallback: every page is translated, so none says it is only in English.
        assert 'name="robots" content="noindex"' not in spanish, path
        assert "solo está en inglés" not in spanish, path
        pair = {"en": SITE_URL + path, "es": SITE_URL + "/es" + path}
        for html in (english, spanish):
            assert alternates(html) == pair | {"x-default": pair["en"]}, path
        # The plain language link, a prefix swap, works on a static host too.
        assert (
            f'<a class="language-link" href="/es{path}" lang="es" hreflang="es">Español</a>'
            in english
        ), path
        assert (
            f'<a class="language-link" href="{path}" lang="en" hreflang="en">English</a>' in spanish
        ), path
        assert NOT_OFFICIAL_ES in spanish, path


def test_spanish_pages_have_spanish_titles_descriptions_and_links(client):
    html = client.get("/es/programs/national-fugitive-operations-program/").content.decode()
    assert "<title>Programa Nacional de Operaciones contra Fugitivos (NFOP) | ERO explicada" in html
    description = re.search(r'<meta name="description" content="([^"]+)"', html).group(1)
    assert description.startswith("Este programa de ERO")
    # Internal links, menus and breadcrumbs stay in Spanish.
    assert 'href="/es/programs/fugitive-operations-division/"' in html
    assert '<a href="/es/glossary/">Glosario</a>' in html
    assert 'href="/programs/fugitive-operations-division/"' not in html


def test_english_pages_do_not_vary_on_accept_language(client):
    response = client.get("/", headers={"Accept-Language": "es"})
    assert '<html lang="en">' in response.content.decode()
    assert "Accept-Language" not in response.headers.get("Vary", "")
    assert response.headers["Content-Language"] == "en"
    assert client.get("/es/").headers["Content-Language"] == "es"


def test_page_cache_keeps_languages_apart(settings):
    settings.PAGE_CACHE = True
    settings.CONTENT_VERSION_TTL = 0
    client = Client()
    for _ in range(2):  # the second round comes from the cache
        english = client.get("/programs/rapid-repat/").content.decode()
        spanish = client.get("/es/programs/rapid-repat/").content.decode()
        assert '<html lang="en">' in english and '<html lang="es">' in spanish


def test_machine_files_have_no_spanish_twin(client):
    assert client.get("/es/robots.txt").status_code == 404
    assert client.get("/es/data/programs.json").status_code == 404
    assert client.get("/es/admin/").status_code == 404


def test_spanish_404_has_no_twin(client):
    response = client.get("/es/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="es">' in html and "No se encontró la página" in html
    assert not alternates(html) and 'hreflang="en">English' not in html


def test_sitemap_lists_both_languages_with_alternates(client):
    xml = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    for program in Program.objects.only("slug"):
        english = SITE_URL + program.get_absolute_url()
        assert english in locations and SITE_URL + "/es" + program.get_absolute_url() in locations
    assert xml.count('hreflang="es"') == xml.count('hreflang="en"') == len(locations)


# --- Quotes, dates, the interface catalog -----------------------------------------------------
def test_quotes_stay_in_english_beside_this_sites_rendering(client):
    html = client.get("/es/programs/national-fugitive-operations-program/").content.decode()
    assert 'lang="en">&ldquo;In FY2012, NFOP efforts resulted in more than 37,000' in html
    assert "Traducción de este sitio: «En el año fiscal 2012 (FY2012)" in html
    # [[en: ...]] in a Spanish body: the exact English words, marked as English.
    assert '<span lang="en">“at-large”</span>' in html
    term = client.get("/es/glossary/fugitive-alien/").content.decode()
    assert '<blockquote lang="en"><p>&ldquo;A fugitive alien is' in term
    faq = client.get("/es/faq/").content.decode()
    assert faq.count('<blockquote lang="en">') >= 71 and "Traducción de este sitio:" in faq


def test_key_figures_are_in_spanish_words_on_spanish_pages_only(client):
    program = "/programs/national-fugitive-operations-program/"
    spanish = client.get("/es" + program).content.decode()
    assert '<span class="key-figure__figure">más de 37,000</span>' in spanish
    assert ">more than 37,000</span>" not in spanish
    english = client.get(program).content.decode()
    assert '<span class="key-figure__figure" lang="en">more than 37,000</span>' in english
    # The home page's cards are the ERO page's first facts, read through the same overlay.
    home = client.get("/es/").content.decode()
    assert '<span class="key-figure__figure">aproximadamente $4.12 mil millones</span>' in home
    assert 'class="key-figure__figure" lang="en"' not in home


def test_quoted_english_marker_renders_as_english_text_through_the_sanitizer():
    html = render('Dice [[en: at-large\n removable *x*]] y <span lang="fr">no</span>.').html
    assert '<span lang="en">“at-large removable *x*”</span>' in html
    assert '<span lang="fr">' not in html  # raw HTML is still shown as text, never passed through


def test_dates_are_spelled_out_in_spanish(client):
    html = client.get("/es/sources/ero-page/").content.decode()
    assert "18 de enero de 2023" in html
    page = client.get("/es/programs/rapid-repat/").content.decode()
    assert "3 de enero de 2018" in page
    assert re.search(r"Última revisión con las fuentes: <time[^>]*>\d+ de \w+ de 20\d\d<", page)


def test_faq_topics_have_their_spanish_names(client):
    html = client.get("/es/faq/").content.decode()
    for name in (
        "Encontrar a alguien y obtener ayuda",
        "Detención y atención médica",
        "Cárceles, prisiones y 287(g)",
        "Acerca de ERO",
    ):
        assert f">{name}</a>" in html


def test_every_interface_string_is_translated():
    catalog = polib.pofile(str(Path(settings.BASE_DIR) / "locale/es/LC_MESSAGES/django.po"))
    assert len(catalog) > 150
    assert catalog.untranslated_entries() == [] and catalog.fuzzy_entries() == []
    placeholder = re.compile(r"%\(\w+\)s|\{\w+\}")
    for entry in catalog:
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            expected = set(placeholder.findall(entry.msgid_plural or entry.msgid))
            assert set(placeholder.findall(text)) <= expected, entry.msgid


# --- A page with no translation yet -----------------------------------------------------------
@pytest.fixture
def without_one_translation(content_copy):
    (content_copy / "es" / "programs" / "rapid-repat.md").unlink()
    sync_content(read_content(content_copy))
    search._glossary_index.cache_clear()
    site_search._site_index.cache_clear()


def test_untranslated_page_is_english_text_in_spanish_chrome(client, without_one_translation):
    html = client.get("/es/programs/rapid-repat/").content.decode()
    assert '<html lang="es">' in html and "Por ahora, esta página solo está en inglés" in html
    assert '<meta name="robots" content="noindex">' in html
    assert '<h1 lang="en">Rapid Removal of Eligible Parolees' in html
    assert not alternates(html) and "data-pagefind-body" not in html
    assert (
        '<a class="language-link" href="/programs/rapid-repat/" lang="en" hreflang="en">English</a>'
        in html
    )
    english = client.get("/programs/rapid-repat/").content.decode()
    assert not alternates(english) and 'hreflang="es">Español' not in english
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/es/programs/rapid-repat/" not in sitemap and "/programs/rapid-repat/" in sitemap
    # Where other Spanish pages list it, its English name is marked as English too.
    listing = client.get("/es/programs/").content.decode()
    assert '<a href="/es/programs/rapid-repat/" lang="en">Rapid Removal of' in listing
    found = site_search.search("Rapid REPAT", "es")
    assert ("program", "rapid-repat") not in {(item.kind, item.slug) for item, _ in found}


# --- The loader owns the checks ---------------------------------------------------------------
def errors_for(content_dir) -> list[str]:
    with pytest.raises(ContentErrors) as exc:
        read_content(content_dir)
    return [str(e) for e in exc.value.errors]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_spanish_file_without_an_english_twin_is_an_error(content_copy):
    orphan = content_copy / "es" / "programs" / "no-such-program.md"
    orphan.write_text('---\ntranslated_from: "x"\ntitle: T\nsummary: S\n---\nCuerpo.\n')
    assert errors_for(content_copy) == [
        f"{orphan}:1: file name: no English file programs/no-such-program.md: a translation "
        "needs its English twin, with the same slug"
    ]


def test_translation_field_errors_name_file_line_and_field(content_copy):
    es = content_copy / "es"
    nfop = es / "programs" / "national-fugitive-operations-program.md"
    edit(nfop, 'summary: "Este programa', 'sumary: "Este programa')
    edit(nfop, "  - figure:", '  - figure: "1"\n    label: Extra\n    quote: Extra\n  - figure:')
    bond = es / "glossary" / "immigration-bond.md"
    edit(bond, "term: Fianza de inmigración", "term: Fianza de inmigración\nquote: Sin cita")
    found = "\n".join(errors_for(content_copy))
    assert f"{nfop}:4: sumary: unknown field (did you mean 'summary'?)" in found
    assert f"{nfop}:1: summary: is required" in found
    assert f"{nfop}:7: facts: 2 given; the English file has 1" in found
    assert f"{bond}:4: quote: give this site's rendering of the English quote exactly when" in found


@pytest.mark.parametrize(
    "slug, figure, wrong, number, english",
    [
        # A decimal point for the thousands comma: the figure is not as the source gives it.
        ("national-fugitive-operations-program", "más de 37,000", "más de 37.000", "37,000", "more than 37,000"),
        # The number as a whole: "250" holds the characters of "25", not the number.
        ("ero-field-offices", "25", "250", "25", "25"),
        # Every number of the figure, not just one of them.
        ("law-enforcement-support-center", "365 días al año, 24 horas al día", "365 días al año, día y noche", "24", "365 days a year, 24 hours a day"),
    ],
)  # fmt: skip
def test_a_spanish_figure_must_write_each_english_number_as_written(
    content_copy, slug, figure, wrong, number, english
):
    spanish = content_copy / "es" / "programs" / f"{slug}.md"
    edit(spanish, f'figure: "{figure}"', f'figure: "{wrong}"')
    line = spanish.read_text(encoding="utf-8").split("\n").index(f'  - figure: "{wrong}"') + 1
    assert errors_for(content_copy) == [
        f"{spanish}:{line}: facts[0].figure: {wrong!r} does not write the number {number} of "
        f"the English figure {english!r} (facts[0] of {content_copy}/programs/{slug}.md); "
        "write it exactly as the English does"
    ]


def test_a_spanish_figure_is_required(content_copy):
    nfop = content_copy / "es" / "programs" / "national-fugitive-operations-program.md"
    edit(nfop, '  - figure: "más de 37,000"\n    label:', "  - label:")
    line = nfop.read_text(encoding="utf-8").split("\n").index("facts:") + 2
    assert errors_for(content_copy) == [
        f"{nfop}:{line}: facts[0].figure: is required: the English figure 'more than 37,000' "
        'in Spanish words, its numbers written as the English writes them ("more than 37,000" '
        'is "más de 37,000")'
    ]


def test_quoted_english_must_occur_in_a_source(content_copy):
    nfop = content_copy / "es" / "programs" / "national-fugitive-operations-program.md"
    edit(nfop, "[[en: at-large]]", "[[en: at-larger]]")
    line = next(n for n, text in enumerate(nfop.read_text().split("\n"), 1) if "at-larger" in text)
    assert f"{nfop}:{line}: body: [[en: at-larger]] does not occur in any source" in errors_for(
        content_copy
    )


def test_counts_of_faq_quotes_must_match_the_english_sources(content_copy):
    faq = content_copy / "es" / "faq" / "how-can-i-find-someone-in-ice-detention.md"
    edit(faq, "quotes:\n", "quotes:\n  - «Una de más»\n")
    assert any(
        str(faq) in e and "quotes: " in e and "the English file has" in e
        for e in errors_for(content_copy)
    )


def test_a_translation_behind_its_english_file_is_a_warning(content_copy):
    english = content_copy / "programs" / "rapid-repat.md"
    edit(english, "Rapid REPAT is a program", "Rapid REPAT is a small program")
    warnings = content_warnings(read_content(content_copy))
    now = english_hash(english.read_text(encoding="utf-8"))
    assert any(
        w.startswith(f"{content_copy}/es/programs/rapid-repat.md:2: translated_from:") and now in w
        for w in warnings
    )


def test_the_real_translations_are_current_and_complete():
    content = read_content(CONTENT_DIR)
    for folder in ("programs", "glossary", "faq", "pages", "sources"):
        english = set(getattr(content, folder))
        spanish = {
            slug
            for (_lang, _kind, slug), r in content.translations.items()
            if r["_doc"].path.parent.name == folder
        }
        assert spanish == english, folder
    stale = [w for w in content_warnings(content) if "translated_from" in w]
    assert stale == []


def test_a_second_load_changes_no_translation():
    result = sync_content(read_content(CONTENT_DIR))
    assert result.changed == 0


def test_a_record_read_in_spanish_is_never_saved():
    token = READING_LANGUAGE.set(_ReadingIn("es"))
    try:
        program = Program.objects.get(slug="rapid-repat")
    finally:
        READING_LANGUAGE.reset(token)
    assert program.title.startswith("Expulsión Rápida") and program.text_language == "es"
    with pytest.raises(RuntimeError, match="carries a translation"):
        program.save()
    assert Program.objects.get(slug="rapid-repat").title.startswith("Rapid Removal")
