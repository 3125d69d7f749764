"""Every page: zero axe-core violations (WCAG 2.2 AA), no sideways scrolling on a phone."""

import pytest

from programs.models import GlossaryTerm, Program, Question, Source

from ..conftest import SITE_PAGES, program_slugs
from .conftest import axe_violations, visit


def problems_on(page, axe_source, paths, widths=(375,)) -> list[str]:
    """Visit each page once and check it at each width (the layout follows the window's
    width, as on a phone turned sideways); return every violation and overflow found."""
    problems = []
    for path in paths:
        page.set_viewport_size({"width": widths[0], "height": 800})
        visit(page, path, 404 if path.endswith("/no-such-page/") else 200)
        for width in widths:
            page.set_viewport_size({"width": width, "height": 800})
            for violation in axe_violations(page, axe_source):
                problems.append(f"{path} at {width}px: {violation}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{path} scrolls sideways by {overflow}px at {width}px")
    return problems


def test_site_pages_on_a_phone_and_a_desktop(page, axe_source):
    paths = [*SITE_PAGES, "/no-such-page/"]
    assert problems_on(page, axe_source, paths, widths=(375, 1280)) == []


def test_every_program_page_on_a_phone_and_a_desktop(page, axe_source):
    paths = [f"/programs/{slug}/" for slug in program_slugs()]
    assert len(paths) == Program.objects.count()
    assert problems_on(page, axe_source, paths, widths=(375, 1280)) == []


def test_every_source_and_glossary_page_on_a_phone(page, axe_source):
    paths = [s.get_absolute_url() for s in Source.objects.all()]
    paths += [f"{s.get_absolute_url()}changes/" for s in Source.objects.all()]
    paths += [t.get_absolute_url() for t in GlossaryTerm.objects.all()]
    assert len(paths) > 100
    assert problems_on(page, axe_source, paths) == []


@pytest.mark.parametrize("path", ["/faq/", "/es/faq/"])
def test_faq_with_every_answer_open(page, axe_source, path):
    visit(page, path)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.locator("details[open]").count() == Question.objects.count()
    assert axe_violations(page, axe_source) == []


# Each kind of page in Spanish: the fixed pages, a program and its history, a glossary entry,
# both searches with results, a source, the not-found page.
SPANISH_PAGES = [
    *("/es" + path for path in SITE_PAGES),
    "/es/programs/national-fugitive-operations-program/",
    "/es/programs/rapid-repat/history/",
    "/es/glossary/immigration-bond/",
    "/es/glossary/?q=fianza",
    "/glossary/?q=fianza",  # an English page naming the Spanish name that matched
    "/es/search/?q=fianza",
    "/es/sources/ero-page/",
    "/es/sources/ero-page/changes/",
    "/es/no-such-page/",
]


def test_every_spanish_page_type_on_a_phone_and_a_desktop(page, axe_source):
    assert problems_on(page, axe_source, SPANISH_PAGES, widths=(375, 1280)) == []


def test_every_spanish_program_page_on_a_phone(page, axe_source):
    paths = [f"/es/programs/{slug}/" for slug in program_slugs()]
    assert problems_on(page, axe_source, paths) == []


def test_language_link_leads_to_the_twin(page):
    visit(page, "/programs/rapid-repat/")
    page.get_by_role("link", name="Español").click()
    page.wait_for_url("**/es/programs/rapid-repat/")
    assert page.evaluate("document.documentElement.lang") == "es"
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/programs/rapid-repat/")
    assert page.evaluate("document.documentElement.lang") == "en"


def test_skip_link_moves_focus_to_main_content(page):
    visit(page, "/programs/rapid-repat/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    # The next Tab lands inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main-content').contains(document.activeElement)")


def test_program_tree_is_reachable_by_keyboard_alone(page):
    visit(page, "/")
    target = Program.objects.get(slug="enforcement").get_absolute_url()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == target:
            break
    else:
        raise AssertionError("the Enforcement Division card is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target}")
    assert page.locator("h1").inner_text().startswith("Enforcement")
