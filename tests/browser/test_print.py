"""Printing a page: the content only, with each link's address written after it."""

from .conftest import visit


def test_print_hides_navigation_and_shows_link_addresses(page):
    visit(page, "/programs/rapid-repat/")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "() => ['.site-nav', '.site-search', '.usa-breadcrumb', '.side-nav']"
        ".map(s => getComputedStyle(document.querySelector(s)).display)"
    )
    assert hidden == ["none"] * 4
    link = page.locator(".program-body a[href^='/']").first
    href = link.get_attribute("href")
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert after == f'" ({href})"'
    page.emulate_media(media="screen")
    assert link.evaluate("a => getComputedStyle(a, '::after').content") in ("none", "normal")
