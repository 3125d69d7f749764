"""The home page's first phone screen leads with what people come to do."""

import pytest

from .conftest import visit

FIRST_SCREEN = {"width": 375, "height": 740}
TASKS = {
    "find someone": 'a[href="/faq/#how-can-i-find-someone-in-ice-detention"]',
    "the locator": 'a[href="/resources/#online-detainee-locator-system"]',
    "help lines": '.tasks a[href="/resources/"]',
    "report abuse": 'a[href="/faq/#how-can-someone-report-abuse-in-ice-detention"]',
    "look up a term": "#home-glossary-q",
    "how ERO is organized": '.tasks a[href="/programs/"]',
}


# The Spanish home: the same tasks at /es/ addresses (the locator's anchor is the Spanish
# heading's).
TASKS_ES = {
    **{task: selector.replace('href="/', 'href="/es/') for task, selector in TASKS.items()},
    "the locator": '.task__more a[href^="/es/resources/#"]',
}


@pytest.mark.parametrize(("path", "tasks"), [("/", TASKS), ("/es/", TASKS_ES)])
def test_every_task_is_on_the_first_phone_screen(page, path, tasks):
    page.set_viewport_size(FIRST_SCREEN)
    visit(page, path)
    off_screen = []
    for task, selector in tasks.items():
        box = page.locator(selector).bounding_box()
        if box is None or box["y"] < 0 or box["y"] + box["height"] > FIRST_SCREEN["height"]:
            off_screen.append(f"{task}: {box}")
    assert off_screen == []


def test_the_term_field_looks_a_word_up_in_the_glossary(page):
    visit(page, "/")
    page.fill("#home-glossary-q", "FOT")
    page.press("#home-glossary-q", "Enter")
    page.wait_for_url("**/glossary/?q=FOT")
    assert page.locator(".glossary-results__list li a").first.inner_text() == (
        "Fugitive Operations Teams"
    )
