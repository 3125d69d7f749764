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
    finally:
        server.stop()
