"""The home page: tasks first, each link landing on something that exists; then the
introduction, the divisions and compact key figures."""

import re

import pytest

from programs.models import Fact

pytestmark = pytest.mark.django_db


def test_task_links_lead_to_answers_and_entries_that_exist(client):
    html = client.get("/").content.decode()
    tasks = re.search(r'<section class="tasks".*?</section>', html, re.S).group(0)
    links = re.findall(r'href="([^"]+)"', tasks)
    assert links == [
        "/faq/#how-can-i-find-someone-in-ice-detention",
        "/resources/#online-detainee-locator-system",
        "/resources/",
        "/faq/#how-can-someone-report-abuse-in-ice-detention",
        "/programs/",
    ]
    assert 'action="/glossary/"' in tasks
    faq = client.get("/faq/").content.decode()
    resources = client.get("/resources/").content.decode()
    for link in links:
        path, _, anchor = link.partition("#")
        if anchor:
            assert f'id="{anchor}"' in {"/faq/": faq, "/resources/": resources}[path], link


def test_tasks_come_first_then_introduction_divisions_and_figures(client):
    html = client.get("/").content.decode()
    order = [html.index(marker) for marker in (
        'class="tasks"', 'id="intro-heading"', 'id="divisions-heading"', 'id="figures-heading"',
    )]  # fmt: skip
    assert order == sorted(order)


def test_a_key_figure_card_has_one_source_line(client):
    html = client.get("/").content.decode()
    cards = re.findall(r'<li class="key-figure">(.*?)</li>', html, re.S)
    assert (
        len(cards)
        == Fact.objects.filter(program__slug="enforcement-and-removal-operations")[:6].count()
    )
    for card in cards:
        assert card.count('class="key-figure__source"') == 1
        assert card.count("Source:") == 1
        assert "<blockquote" not in card  # the quote is on the program's page


def test_a_renamed_locator_heading_leaves_no_broken_link(client):
    from programs.models import Page

    page = Page.objects.get(slug="resources")
    page.body_html = page.body_html.replace("Online Detainee Locator System", "Locator tool")
    page.save()
    html = client.get("/").content.decode()
    assert "#online-detainee-locator-system" not in html
    assert 'href="/faq/#how-can-i-find-someone-in-ice-detention"' in html
