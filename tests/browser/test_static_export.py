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
