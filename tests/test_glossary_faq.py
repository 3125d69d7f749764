"""Glossary and FAQ pages, and glossary links running through program and FAQ bodies."""

import json
import re

import pytest

from programs.kinds import FAQ_TOPICS
from programs.markdown import GlossaryLinker, render
from programs.models import GlossaryTerm, Program, Question

from .conftest import replace_in

pytestmark = pytest.mark.django_db


def jsonld(html: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )


def test_glossary_lists_every_term_with_letters_linked_only_when_used(client):
    html = client.get("/glossary/").content.decode()
    for term in GlossaryTerm.objects.all():
        assert term.get_absolute_url() in html
    letters = {t.initial for t in GlossaryTerm.objects.all()}
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        linked = f'<a href="#letter-{letter}">{letter}</a>' in html
        assert linked == (letter in letters), letter


def test_glossary_jsonld_is_a_defined_term_set_of_every_term(client):
    data = jsonld(client.get("/glossary/").content.decode())
    assert data["@type"] == "DefinedTermSet"
    names = {t["name"] for t in data["hasDefinedTerm"]}
    assert names == set(GlossaryTerm.objects.values_list("term", flat=True))


def test_term_page_shows_names_definition_quote_source_and_related(client):
    html = client.get("/glossary/criminal-apprehension-program/").content.decode()
    assert "Criminal Alien Program" in html  # other names
    html = client.get("/glossary/fugitive-alien/").content.decode()
    assert "In the source&#x27;s words" in html or "In the source's words" in html
    assert "A fugitive alien is a person who has failed to leave" in html
    assert "Fugitive Operations (ICE web page)" in html
    assert "/programs/national-fugitive-operations-program/" in html
    assert 'id="see-also"' in html


def test_undefined_term_is_marked(client):
    term = GlossaryTerm.objects.filter(defined_in_sources=False).first()
    html = client.get(term.get_absolute_url()).content.decode()
    assert "The sources use this term without defining it" in html


def test_every_inventory_candidate_is_covered():
    import yaml
    from django.conf import settings

    inventory = (
        yaml.safe_load((settings.BASE_DIR.parent / "shared/reference/inventory.yaml").read_text())
        if (settings.BASE_DIR.parent / "shared/reference/inventory.yaml").exists()
        else None
    )
    if inventory is None:
        pytest.skip("the shared inventory is not beside this checkout")
    furniture = {"USWDS", "HTTPS", ".gov", "KB", "DC", "SW"}

    def key(name: str) -> str:
        # Letters and digits only, and singular: "deportation officers" ~ "Deportation officer".
        return re.sub(r"[^a-z0-9]", "", name.casefold()).removesuffix("s")

    known = {
        key(n) for t in GlossaryTerm.objects.all() for n in [t.term, *t.acronyms, *t.also_known_as]
    }
    missing = []
    for candidate in inventory["glossary_candidates"]:
        if candidate["term"] in furniture:
            continue
        options = [candidate["term"], *re.split(r"\s*/\s*|\s+\(|\)$", candidate["term"])]
        if not {key(o) for o in options if o.strip()} & known:
            missing.append(candidate["term"])
    assert missing == []


def test_first_mention_links_to_the_glossary_with_abbr_for_acronyms():
    linker = GlossaryLinker.build(
        [
            ("fot", "Fugitive Operations Teams", ["FOTs", "FOT"]),
            ("cap", "Criminal Apprehension Program", ["CAP"]),
        ]
    )
    html = render("CAP works with FOT. CAP again. Fugitive Operations Teams too.", linker).html
    assert html.count('class="term-link"') == 2
    assert (
        '<a class="term-link" href="/glossary/cap/"><abbr title="Criminal Apprehension Program">CAP</abbr></a>'
        in html
    )
    assert '<abbr title="Fugitive Operations Teams">FOT</abbr>' in html


def test_longest_match_first_and_never_in_headings_links_or_code():
    linker = GlossaryLinker.build(
        [("fot", "Fugitive Operations Team", ["FOT"]), ("team", "Team", [])]
    )
    html = render(
        "## Fugitive Operations Team\n\n[FOT](https://x.test) `FOT`\n\nA Fugitive Operations Team.",
        linker,
    ).html
    assert (
        "<h2" in html and '<h2 id="fugitive-operations-team">Fugitive Operations Team</h2>' in html
    )
    assert "<code>FOT</code>" in html
    assert html.count('href="/glossary/fot/"') == 1
    assert 'href="/glossary/team/"' not in html  # "Team" was inside the longer match


def test_acronyms_match_only_as_written():
    linker = GlossaryLinker.build([("cap", "Criminal Apprehension Program", ["CAP"])])
    assert "term-link" not in render("a cap on numbers", linker).html


def test_real_program_bodies_link_terms_and_switch_off_works(content_copy):
    from programs.content import read_content

    replace_in(
        content_copy / "programs/rapid-repat.md", "reviewed:", "glossary_links: false\nreviewed:"
    )
    content = read_content(content_copy)
    assert "term-link" not in content.programs["rapid-repat"]["body_html"]
    assert "term-link" in content.programs["deport-center"]["body_html"]
    term = content_copy / "glossary" / "fiscal-year.md"
    replace_in(term, "reviewed:", "autolink: false\nreviewed:")
    content = read_content(content_copy)
    assert all(
        'href="/glossary/fiscal-year/" class' not in r["body_html"]
        and 'class="term-link" href="/glossary/fiscal-year/"' not in r["body_html"]
        for r in content.programs.values()
    )


def test_program_page_lists_related_terms_and_questions(client):
    program = Program.objects.get(slug="national-fugitive-operations-program")
    html = client.get(program.get_absolute_url()).content.decode()
    for term in program.glossary_terms.all():
        assert term.get_absolute_url() in html
    for question in program.questions.all():
        assert question.get_absolute_url() in html
    assert program.glossary_terms.exists() and program.questions.exists()


def test_faq_groups_by_topic_with_contents_and_jsonld_matches_visible(client):
    html = client.get("/faq/").content.decode()
    positions = [
        html.index(f">{topic}</h2>".replace("&", "&amp;"))
        for topic in FAQ_TOPICS
        if Question.objects.filter(topic=topic).exists()
    ]
    assert positions == sorted(positions)
    visible = re.findall(r'<h3 class="faq-item__question">(.*?)</h3>', html)
    data = jsonld(html)
    assert data["@type"] == "FAQPage"
    from html import unescape

    assert [q["name"] for q in data["mainEntity"]] == [unescape(v) for v in visible]
    assert len(visible) == Question.objects.count() >= 35


def test_each_answer_is_a_native_details_with_a_deep_link_id(client):
    html = client.get("/faq/").content.decode()
    for question in Question.objects.all():
        assert f'<details class="faq-item" id="{question.slug}">' in html
    assert 'id="faq-toggle"' in html


def test_faq_answers_cite_their_sources_with_dates(client):
    html = client.get("/faq/").content.decode()
    assert html.count("Source:") >= Question.objects.count()
