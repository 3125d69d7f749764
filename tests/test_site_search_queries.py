"""Site search in the words people use: each query puts the right page in the top three.

The queries are the ones the issue reports failing, and others of the same kind: a family's
words (locate, relative, jail, lawyer, deported), question words and filler, acronyms, older
names and misspellings. Each names the page that answers it; where a FAQ answer and a help
entry answer it equally, either counts.
"""

import re

import pytest

from programs import site_search
from programs.models import Page, Question
from programs.page_sections import page_sections

pytestmark = pytest.mark.django_db

FIND_SOMEONE = "/faq/#how-can-i-find-someone-in-ice-detention"
LOCATOR = "/resources/#online-detainee-locator-system"
FACILITY_LOCATOR = "/resources/#detention-facility-locator"
FACILITY_FAQ = "/faq/#how-can-i-find-information-about-a-detention-facility"
REPORT_ABUSE = "/faq/#how-can-someone-report-abuse-in-ice-detention"
VESL = "/resources/#victims-engagement-and-services-line-vesl"
DETENTION_LINE = "/resources/#ice-ero-detention-reporting-and-information-line"
ATTORNEY = "/resources/#attorney-information-and-resources"
G28 = "/faq/#how-can-a-lawyer-file-form-g-28-with-ice-ero"

QUERIES = [
    # Finding someone, in a family's words.
    ("locate detained relative", {FIND_SOMEONE, LOCATOR}),
    ("detainee locator", {LOCATOR}),
    ("where is my husband", {FIND_SOMEONE}),
    ("how do I find my son in ICE jail", {FIND_SOMEONE}),
    ("find a family member in detention", {FIND_SOMEONE}),
    ("my wife was picked up by ICE where is she", {FIND_SOMEONE}),
    ("looking for my brother who was detained", {FIND_SOMEONE, LOCATOR}),
    ("where is the detention center", {FACILITY_FAQ, FACILITY_LOCATOR}),
    # Help lines, abuse, complaints.
    ("report abuse in detention", {REPORT_ABUSE}),
    ("phone number to report abuse", {REPORT_ABUSE, VESL}),
    ("hotline", {DETENTION_LINE}),
    ("complain about detention", {"/faq/#who-can-i-contact-about-detention-questions",
                                  "/faq/#how-can-i-file-a-complaint-or-raise-a-civil-rights-concern"}),
    ("report a crime", {"/faq/#how-do-i-report-a-crime-or-suspicious-activity-to-ice",
                        "/resources/#report-crimes-line-1-866-dhs-2-ice"}),
    # Lawyers.
    ("attorney", {ATTORNEY}),
    ("lawyer for detained person", {ATTORNEY, G28}),
    ("how can my lawyer file a G-28", {G28}),
    # Other family questions.
    ("bail", {"/glossary/immigration-bond/", "/faq/#what-does-ero-do-about-immigration-bonds"}),
    ("check in with ICE", {"/faq/#how-do-i-check-in-with-my-local-ice-office",
                           "/resources/#ice-check-in"}),
    ("ankle monitor", {"/programs/electronic-monitoring-program/",
                       "/glossary/electronic-monitoring-program/"}),
    ("court date", {"/faq/#what-is-an-immigration-court-hearing-for", "/glossary/court-hearing/"}),
    ("deportation flights", {"/faq/#how-do-removal-flights-work", "/glossary/removal-flights/"}),
    ("records about me", {"/faq/#can-i-request-ice-records-under-foia"}),
    ("doctor in ICE detention", {"/faq/#who-provides-health-care-in-ice-detention"}),
    ("what happens to kids", {"/faq/#how-does-ero-handle-unaccompanied-children-and-families",
                              "/glossary/unaccompanied-children/"}),
    ("how is ERO organised", {"/faq/#how-is-ero-organized"}),
    ("find a lawyer", {"/faq/#how-can-i-find-a-lawyer-or-legal-help"}),
    ("visit my husband in detention", {"/faq/#how-can-i-visit-someone-in-ice-detention"}),
    ("send money to my son in jail", {"/faq/#how-can-i-send-money-to-someone-in-ice-detention"}),
    ("commissary", {"/faq/#how-can-i-send-money-to-someone-in-ice-detention"}),
    ("phone my wife", {"/faq/#how-can-i-call-someone-in-ice-detention"}),
    ("pay bail", {"/faq/#how-can-i-pay-or-ask-about-an-immigration-bond"}),
    # Acronyms, older names, misspellings: as before.
    ("FOT", {"/programs/fugitive-operations-teams/"}),
    ("Criminal Alien Program", {"/programs/criminal-apprehension-program/",
                                "/faq/#what-is-the-criminal-alien-program"}),
    ("Criminal Aprehension Program", {"/programs/criminal-apprehension-program/"}),
    ("what is the criminal alien program", {"/faq/#what-is-the-criminal-alien-program"}),
    ("287g", {"/programs/287g-program/", "/faq/#what-is-the-287g-program"}),
]  # fmt: skip


def top_urls(client, query: str, count: int = 3) -> list[str]:
    html = client.get("/search/", {"q": query}).content.decode()
    return re.findall(r'class="search-result__title" href="([^"]+)"', html)[:count]


def test_each_query_puts_the_right_page_in_the_top_three(client):
    # One test over all the queries: the search index is built once per test.
    misses = [
        f"{query!r}: top three {top}"
        for query, right in QUERIES
        if not right & set(top := top_urls(client, query))
    ]
    assert not misses, "\n".join(misses)


def ranked(query: str, count: int = 10) -> list[str]:
    return [item.url for item, _ in site_search.search(query)[:count]]


def test_word_forms_find_the_same_pages():
    # Not "deport" or "deportation": the first is the DEPORT Center's acronym and the second a
    # glossary entry's other name, and a page's own name ranks that page first.
    assert ranked("deported") == ranked("deporting") != []
    assert ranked("locate") == ranked("locating") == ranked("located") != []


def test_filler_and_question_words_change_nothing():
    assert ranked("how do I check in with ICE") == ranked("check in") != []
    assert ranked("what is the criminal alien program") == ranked("criminal alien program")


def test_a_query_of_nothing_but_filler_is_searched_as_typed():
    assert len(site_search.search("the")) > 100


def test_a_misspelt_word_finds_what_the_word_finds():
    assert ranked("detension", 3) == ranked("detention", 3) != []


def test_a_synonym_finds_the_pages_of_the_sources_word():
    # No page says "lawyer" in its title; the sources say "attorney".
    assert ATTORNEY in ranked("lawyer", 3)
    # A phrase of the synonyms file counts as one concept: "family member" is a relative.
    assert FIND_SOMEONE in ranked("find family member", 3)


def test_every_resources_entry_is_a_result_with_its_own_anchor(client):
    resources = Page.objects.get(slug="resources")
    html = client.get("/resources/").content.decode()
    entries = [s for s in page_sections(resources.body_html) if s.text]
    assert len(entries) > 20
    misses = []
    for entry in entries:
        url = f"/resources/#{entry.anchor}"
        assert f'id="{entry.anchor}"' in html
        if url not in ranked(entry.title, 3):
            misses.append(f"{entry.title!r}: {ranked(entry.title, 3)}")
    assert not misses, "\n".join(misses)


def test_every_faq_answer_is_a_result_of_its_own():
    misses = [
        f"{q.question!r}: {ranked(q.question, 3)}"
        for q in Question.objects.all()
        if f"/faq/#{q.slug}" not in ranked(q.question, 3)
    ]
    assert not misses, "\n".join(misses)


def test_help_entries_are_labelled_in_the_results(client):
    html = client.get("/search/", {"q": "detainee locator"}).content.decode()
    assert "Help and resources</span>" in html
    assert 'href="/resources/#online-detainee-locator-system"' in html


@pytest.mark.parametrize("query", ["green card", "asylum", "how do I get a work permit"])
def test_a_subject_the_site_does_not_cover_says_so_and_points_on(client, query):
    html = client.get("/search/", {"q": query}).content.decode()
    assert "Not covered on this site:" in html
    assert "This site explains what ICE's Enforcement and Removal Operations (ERO) does" in html
    # Where the sources point instead, as links to the pages that report them.
    assert 'href="/faq/#how-do-i-contact-ice-for-general-information"' in html
    assert 'href="/resources/#attorney-information-and-resources"' in html
    assert "Nothing on this site matches" not in html


def test_a_covered_subject_gets_no_such_note(client):
    html = client.get("/search/", {"q": "detention"}).content.decode()
    assert "Not covered on this site" not in html
