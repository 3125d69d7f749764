"""In the static export, both searches run in the browser from the Pagefind index."""

from django.core.management import call_command

from ..test_static_export import StaticServer


def test_export_search_finds_a_term_by_its_acronym(page, tmp_path):
    folder = tmp_path / "site"
    call_command("build_site", output=str(folder), base_url="http://127.0.0.1")
    server = StaticServer(folder)
    try:
        page.goto(server.url + "/glossary/?q=FOT")
        first = page.locator(".glossary-results__list li a").first
        first.wait_for(timeout=10_000)
        assert "Fugitive Operations Teams" in page.locator(".glossary-results__list").inner_text()
        page.goto(server.url + "/search/?q=FOT")
        page.locator(".search-results li a").first.wait_for(timeout=10_000)
        assert (
            "/programs/fugitive-operations-teams/" in page.locator(".search-results").inner_html()
        )
        # A Spanish page searches the Spanish index: a Spanish word finds Spanish pages only.
        page.goto(server.url + "/es/search/?q=fianzas")
        page.locator(".search-results li a").first.wait_for(timeout=10_000)
        links = page.locator(".search-results li a").evaluate_all("a => a.map(x => x.pathname)")
        assert "/es/glossary/immigration-bond/" in links
        assert all(link.startswith("/es/") for link in links), links
        page.goto(server.url + "/es/glossary/?q=fianza")
        page.locator(".glossary-results__list li a").first.wait_for(timeout=10_000)
        assert "Fianza de inmigración" in page.locator(".glossary-results__list").inner_text()
    finally:
        server.stop()
