"""In the static export, both searches run in the browser from the Pagefind index."""

import re


def test_export_search_finds_a_term_by_its_acronym(page, static_server):
    page.goto(static_server.url + "/glossary/?q=FOT")
    page.locator(".glossary-results__list li a").first.wait_for(timeout=10_000)
    assert "Fugitive Operations Teams" in page.locator(".glossary-results__list").inner_text()
    # The count is in the page's words (translatable where the page is rendered).
    assert re.fullmatch(r"\d+ results? for “FOT”\.", page.inner_text(".static-search__status"))
    page.goto(static_server.url + "/search/?q=FOT")
    page.locator(".search-results li a").first.wait_for(timeout=10_000)
    assert "/programs/fugitive-operations-teams/" in page.locator(".search-results").inner_html()


def test_export_search_on_a_spanish_page_finds_spanish_pages(page, static_server):
    # Pagefind keeps an index per language (each page's <html lang>): a Spanish word typed on a
    # Spanish page finds Spanish pages only.
    page.goto(static_server.url + "/es/search/?q=fianzas")
    page.locator(".search-results li a").first.wait_for(timeout=10_000)
    links = page.locator(".search-results li a").evaluate_all("a => a.map(x => x.pathname)")
    assert "/es/glossary/immigration-bond/" in links
    assert all(link.startswith("/es/") for link in links), links
    assert re.fullmatch(
        r"\d+ resultados? para «fianzas»\.", page.inner_text(".static-search__status")
    )
    page.goto(static_server.url + "/es/glossary/?q=fianza")
    page.locator(".glossary-results__list li a").first.wait_for(timeout=10_000)
    assert "Fianza de inmigración" in page.locator(".glossary-results__list").inner_text()
