"""Glossary filter as you type, FAQ deep links and find-in-page, search pages' accessibility."""

import re

from programs.models import Question

from .conftest import axe_violations, visit


def test_glossary_form_works_without_javascript(browser, live_server, page):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    nojs = context.new_page()
    visit(nojs, "/glossary/")
    nojs.fill("#glossary-q", "287g")
    nojs.click(".glossary-search button[type=submit]")
    nojs.wait_for_url("**/glossary/?q=287g")
    first = nojs.locator(".glossary-results__list li a").first
    assert first.inner_text() == "Section 287(g)"
    assert nojs.input_value("#glossary-q") == "287g"
    context.close()


def test_glossary_narrows_as_you_type_with_the_same_ranking(page):
    visit(page, "/glossary/")
    # The live region that announces the count is the same element before and after.
    page.evaluate("document.getElementById('glossary-count').dataset.kept = 'yes'")
    page.locator("#glossary-q").press_sequentially("FOT", delay=50)
    page.wait_for_selector(".glossary-results__list li")
    typed = page.locator(".glossary-results__list li a").all_inner_texts()
    status = page.locator("[role=status]")
    assert status.count() == 1 and status.get_attribute("data-kept") == "yes"
    assert re.fullmatch(r"\d+ terms? match(es)? “FOT”\.", status.inner_text())
    visit(page, "/glossary/?q=FOT")
    submitted = page.locator(".glossary-results__list li a").all_inner_texts()
    assert typed == submitted and typed[0] == "Fugitive Operations Teams"


def test_faq_deep_link_opens_the_answer(page):
    question = Question.objects.order_by("slug").last()
    visit(page, f"/faq/#{question.slug}")
    assert page.locator(f"details#{question.slug}").evaluate("d => d.open")
    assert page.locator("details[open]").count() == 1


def test_closed_answers_are_found_by_find_in_page(page):
    """A closed <details> keeps its text searchable: the browser opens it when a find lands in
    it. A text fragment (#:~:text=) uses the same find-in-page machinery."""
    question = Question.objects.get(slug="how-do-fingerprints-taken-at-a-local-jail-reach-ice")
    visit(page, "/faq/")
    assert not page.locator(f"details#{question.slug}").evaluate("d => d.open")
    visit(page, "/")
    visit(page, "/faq/#:~:text=passed%20on%20from%20there%20to%20the")
    page.wait_for_function(f"document.getElementById('{question.slug}').open", timeout=5000)
    opened = page.evaluate(
        "() => [...document.querySelectorAll('details')].filter(d => d.open).map(d => d.id)"
    )
    assert opened == [question.slug]


def test_expand_all_opens_every_answer_and_print_opens_them(page):
    visit(page, "/faq/")
    page.click("#faq-toggle")
    assert page.locator("details[open]").count() == Question.objects.count()
    assert page.get_attribute("#faq-toggle", "aria-expanded") == "true"
    page.click("#faq-toggle")
    assert page.locator("details[open]").count() == 0
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details[open]").count() == Question.objects.count()


def test_search_pages_have_no_axe_violations(page, axe_source):
    for path in (
        "/search/?q=FOT",
        "/search/?q=zzzzqqq",
        "/glossary/?q=FOT",
        "/glossary/?q=zzqq",
        "/glossary/fugitive-alien/",
        "/search/?q=the&page=2",
    ):
        visit(page, path)
        assert axe_violations(page, axe_source) == [], path
