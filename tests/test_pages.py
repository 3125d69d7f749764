"""Every public page answers, carries the site furniture, and shows its sources with dates."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from programs.models import GlossaryTerm, Program, Source

from .conftest import PAGE_TYPES, program_slugs

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_every_page_type_has_the_site_furniture(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert "This is not an official government website" in html
    assert re.search(r"<title>[^<|]+ \| ", html)
    assert '<meta name="description" content="' in html
    assert '<html lang="en">' in html
    # No .gov banner, U.S. identifier, seals or logos (a source's own captured text may quote
    # its banner; that text is shown as a quotation of the source, outside the site furniture).
    html = re.sub(r'<div class="source-text"[^>]*>.*?</div>', "", html, flags=re.S)
    for forbidden in ("usa-banner", "usa-identifier", "An official website of the United States"):
        assert forbidden not in html


def test_titles_and_descriptions_differ_between_pages(client):
    titles, descriptions = set(), set()
    for path in PAGE_TYPES.values():
        html = client.get(path).content.decode()
        titles.add(re.search(r"<title>(.*?)</title>", html, re.S).group(1))
        descriptions.add(re.search(r'<meta name="description" content="(.*?)"', html).group(1))
    assert len(titles) == len(PAGE_TYPES)
    assert len(descriptions) >= len(PAGE_TYPES) - 1  # resources/about share no text, home may


class HeadText(HTMLParser):
    """The <title> text and the content of each <meta>, as a browser reads them (unescaped)."""

    def __init__(self):
        super().__init__()
        self.title, self.meta, self._in_title = "", {}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._in_title = tag == "title"
        if tag == "meta" and "content" in attrs:
            self.meta[attrs.get("name") or attrs.get("property")] = attrs["content"]

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def test_titles_and_descriptions_are_escaped_exactly_once(client):
    # Escaped twice, a browser shows "ERO&#x27;s" in the tab, search results and link previews.
    program = Program.objects.get(slug="bond-management-unit")
    program.title, program.acronym = 'ICE\'s "Bond" <Unit> & Co', ""
    program.summary = "ERO's bonds & dockets <b>unit</b>."
    program.save()
    head = HeadText()
    head.feed(client.get(program.get_absolute_url()).content.decode())
    assert head.title == 'ICE\'s "Bond" <Unit> & Co | ERO Explained'
    assert head.meta["og:title"] == 'ICE\'s "Bond" <Unit> & Co'
    assert head.meta["description"] == head.meta["og:description"] == program.summary


def test_descriptions_from_rendered_html_are_escaped_exactly_once(client):
    term = GlossaryTerm.objects.get(slug="fugitive-alien")
    term.body_html = "<p>ICE&#x27;s <em>bonds</em> &amp; dockets &lt;here&gt;.</p>"
    term.save()
    html = client.get(term.get_absolute_url()).content.decode()
    head = HeadText()
    head.feed(html)
    assert head.meta["description"] == "ICE's bonds & dockets <here>."
    jsonld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(jsonld.group(1))["description"] == "ICE's bonds & dockets <here>."


@pytest.mark.parametrize("slug", program_slugs())
def test_every_program_page_answers(client, slug):
    response = client.get(f"/programs/{slug}/")
    assert response.status_code == 200
    program = response.context["program"]
    html = response.content.decode()
    assert f"<h1>{program.title}" in html.replace("&#x27;", "'").replace("&amp;", "&")
    assert program.summary.replace("'", "&#x27;") in html


def test_breadcrumbs_of_a_deep_page_list_every_ancestor_in_order(client):
    html = client.get("/programs/fugitive-operations-support-center/").content.decode()
    nav = re.search(r'<nav class="usa-breadcrumb" aria-label="Breadcrumbs">(.*?)</nav>', html, re.S)
    links = re.findall(r'href="([^"]+)"', nav.group(1))
    assert links == [
        "/",
        "/programs/",
        "/programs/enforcement-and-removal-operations/",
        "/programs/enforcement/",
        "/programs/fugitive-operations-division/",
        "/programs/national-fugitive-operations-program/",
        "/programs/operation-soar/",
    ]
    assert 'aria-current="page"><span>Fugitive Operations Support Center</span>' in nav.group(1)


def test_program_page_shows_each_source_with_its_date(client):
    html = client.get("/programs/criminal-apprehension-program/").content.decode()
    sources = html[html.index('id="sources-heading"') :]
    assert "Enforcement and Removal Operations (ICE web page)" in sources
    assert "January 18, 2023" in sources
    assert "Criminal Alien Program (ICE web page)" in sources
    assert "January 3, 2018" in sources and "Older page" in sources


def test_undated_source_says_so(client):
    html = client.get("/programs/operation-cross-check/").content.decode()
    assert "no date given; newest year in the text: 2012" in html


def test_key_figures_show_figure_quote_source_and_date(client):
    html = client.get("/programs/ice-health-service-corps/").content.decode()
    box = html[
        html.index('id="key-figures"') : html.index("</section>", html.index('id="key-figures"'))
    ]
    for figure in ("approximately 1,650", "over 118,000", "more than 41,500", "$324 million"):
        assert figure in box
    assert "January 18, 2023" in box


def test_other_names_are_shown_with_their_source(client):
    html = client.get("/programs/criminal-apprehension-program/").content.decode()
    names = html[html.index('class="names-list"') :]
    assert "Also called" in names and "Criminal Alien Program" in names


def test_older_pages_are_labelled_and_ero_tree_pages_are_not(client):
    older = client.get("/programs/cyber-crimes-center/").content.decode()
    assert "Described by an older page" in older
    current = client.get("/programs/removal/").content.decode()
    assert "Described by an older page" not in current


def test_children_listed_with_summaries_and_side_navigation(client):
    response = client.get("/programs/non-detained-management-division/")
    html = response.content.decode()
    for child in response.context["children"]:
        assert child.get_absolute_url() in html and child.summary.replace("'", "&#x27;") in html
    assert 'aria-label="Related pages"' in html


def test_contradiction_two_parents_is_visible(client):
    html = client.get("/programs/custody-management/").content.decode()
    assert "/programs/alternatives-to-detention-division/" in html
    assert "Listed here too by the ERO page" in html


def test_program_list_draws_the_whole_tree_twice(client):
    response = client.get("/programs/")
    html = response.content.decode()
    for program in Program.objects.all():
        # once in the chart, once in the nested list
        assert html.count(f'href="{program.get_absolute_url()}"') >= 2


def test_home_links_every_division_and_shows_sourced_figures(client):
    html = client.get("/").content.decode()
    ero = Program.objects.get(slug="enforcement-and-removal-operations")
    for division in ero.children.all():
        assert division.get_absolute_url() in html
    assert "approximately $4.12 billion" in html and "January 18, 2023" in html


def test_source_page_omits_the_most_wanted_names(client):
    html = client.get("/sources/ice-home-page/").content.decode()
    assert "A list of ten names is omitted here" in html
    text = Source.objects.get(slug="ice-home-page").text
    wanted = text[text.index("## Most Wanted") :].split("\n")
    names = [line for line in wanted[2:12] if line.startswith("- ")]
    assert len(names) == 10
    for line in names:
        assert line[2:20] not in html


def test_no_page_reproduces_a_most_wanted_name(static_export):
    """Every public page, as the static export has rendered them through the same views."""
    text = Source.objects.get(slug="ice-home-page").text
    block = text[text.index("## Most Wanted") :].split("## Address")[0]
    surnames = {
        re.sub(r"^(Captured|Arrested)", "", line[2:]).split(",")[0]
        for line in block.split("\n")
        if line.startswith("- ")
    }
    assert len(surnames) >= 8
    pages = sorted(static_export.rglob("*.html"))
    assert len(pages) > Program.objects.count() + GlossaryTerm.objects.count()
    assert static_export / "sources" / "ice-home-page" / "index.html" in pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for surname in surnames:
            assert surname not in html, (page, surname)


def test_source_list_shows_titles_and_date_lines(client):
    html = client.get("/sources/").content.decode()
    for source in Source.objects.all():
        assert source.title in html
    assert "Updated: 01/18/2023" in html and "None: the page gives no date" in html


def test_unknown_program_is_a_custom_404(client):
    response = client.get("/programs/no-such-unit/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_server_error_page_renders_without_a_request():
    from programs.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"This is not an official government website" in response.content


def test_server_error_page_renders_when_static_files_were_never_collected(settings, tmp_path):
    from programs.views import server_error

    settings.STATIC_ROOT = tmp_path  # empty: no manifest of hashed names
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = server_error(None)
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b'<link rel="stylesheet" href="/static/css/site.css">' in response.content


def test_robots_and_sitemap(client):
    robots = client.get("/robots.txt").content.decode()
    assert (
        "Disallow: /admin/" in robots and "Sitemap: https://ero.example.org/sitemap.xml" in robots
    )
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/programs/national-fugitive-operations-program/" in sitemap


def test_public_urls_are_pinned():
    assert reverse("home") == "/"
    assert reverse("program_list") == "/programs/"
    assert reverse("program_detail", args=["x"]) == "/programs/x/"
    assert reverse("glossary") == "/glossary/"
    assert reverse("glossary_term", args=["x"]) == "/glossary/x/"
    assert reverse("faq") == "/faq/"
    assert reverse("source_list") == "/sources/"
    assert reverse("source_detail", args=["x"]) == "/sources/x/"
    assert reverse("resources") == "/resources/"
    assert reverse("about") == "/about/"


def test_every_figure_in_the_inventory_is_a_key_fact():
    """Counts, amounts and percentages from ../shared/reference/inventory.yaml, each on a page
    (a figure may carry its qualifier: "approached $324 million")."""
    import yaml
    from django.conf import settings

    from programs.models import Fact

    path = settings.BASE_DIR.parent / "shared/reference/inventory.yaml"
    if not path.exists():
        pytest.skip("the shared inventory is not beside this checkout")
    not_figures = {
        *("phone number", "address", "fiscal year", "year", "form number", "date"),
        *("statutory section number", "fiscal quarter", "file size", "location"),
    }
    facts = list(Fact.objects.values_list("figure", flat=True))
    missing = [
        f["figure"]
        for f in yaml.safe_load(path.read_text())["facts"]
        if f["kind"] not in not_figures and not any(f["figure"] in figure for figure in facts)
    ]
    assert missing == []
