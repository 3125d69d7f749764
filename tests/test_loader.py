"""load_content: the happy path, idempotence, deletion, and bad input that loses nothing."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from programs.content import ContentErrors, read_content
from programs.models import Fact, GlossaryTerm, Page, Program, Question, Source
from programs.sync import sync_content

from .conftest import CONTENT_DIR, replace_in

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Everything a load could change, to prove a failed load changed nothing."""
    return {
        "programs": list(Program.objects.values_list("slug", "title", "content_hash", "parent_id")),
        "facts": Fact.objects.count(),
        "sources": list(Source.objects.values_list("slug", "content_hash")),
        "terms": list(GlossaryTerm.objects.values_list("slug", "content_hash")),
        "questions": list(Question.objects.values_list("slug", "content_hash")),
        "pages": list(Page.objects.values_list("slug", "content_hash")),
    }


def load(directory, capsys=None) -> str:
    call_command("load_content", content_dir=str(directory))
    return capsys.readouterr().out if capsys else ""


def test_real_content_loads_every_file():
    counts = {
        Program: len(list((CONTENT_DIR / "programs").glob("*.md"))),
        Source: len(list((CONTENT_DIR / "sources").glob("*.md"))),
        GlossaryTerm: len(list((CONTENT_DIR / "glossary").glob("*.md"))),
        Question: len(list((CONTENT_DIR / "faq").glob("*.md"))),
    }
    for model, expected in counts.items():
        assert model.objects.count() == expected > 0


def test_second_load_changes_nothing(capsys):
    out = load(CONTENT_DIR, capsys)
    assert re.search(r"0 created, 0 updated, \d+ unchanged, 0 deleted", out), out


def test_changed_file_is_updated_and_others_unchanged(content_copy, capsys):
    path = content_copy / "programs" / "rapid-repat.md"
    replace_in(path, "summary: ", "summary: Changed. ")
    out = load(content_copy, capsys)
    assert "0 created, 1 updated" in out
    assert Program.objects.get(slug="rapid-repat").summary.startswith("Changed. ")


NEW_PROGRAM = """---
title: {title}
acronym: ERO
parent: {parent}
summary: A unit made up for this test.
sources: ["002"]
reviewed: 2026-11-22
---
Body.
"""


def add_program(directory, slug, parent="enforcement-and-removal-operations"):
    path = directory / "programs" / f"{slug}.md"
    path.write_text(NEW_PROGRAM.format(title=slug.title(), parent=parent), encoding="utf-8")
    return path


def test_removed_files_remove_their_records_children_first(content_copy, capsys):
    parent = add_program(content_copy, "test-parent")
    child = add_program(content_copy, "test-child", parent="test-parent")
    assert "2 created" in load(content_copy, capsys)
    assert Program.objects.get(slug="test-child").ancestors[-1][0] == "test-parent"
    parent.unlink()
    child.unlink()
    out = load(content_copy, capsys)
    assert "0 created, 0 updated" in out and "2 deleted" in out
    assert not Program.objects.filter(slug__startswith="test-").exists()


def test_sync_is_all_in_memory_records_and_tested_without_files():
    content = read_content(CONTENT_DIR)
    content.programs["rapid-repat"]["title"] = "Renamed"
    content.programs["rapid-repat"]["content_hash"] = "different"
    result = sync_content(content)
    assert result.counts["updated"] == 1
    assert Program.objects.get(slug="rapid-repat").title == "Renamed"


# --- Bad input: each case edits one file and names the message it must produce ---------------
def line_of(path, needle) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


NFOP = "programs/national-fugitive-operations-program.md"
BAD_INPUTS = {
    "yaml syntax": (
        NFOP,
        "acronym: NFOP",
        "acronym: [NFOP",
        "acronym",
        "front matter",
        "invalid YAML",
    ),
    "required field": (NFOP, "summary: ", "summery: ", None, "summary", "is required"),
    "unknown field": (
        NFOP,
        "summary: ",
        "summery: ",
        "summery",
        "summery",
        "did you mean 'summary'",
    ),
    "parent missing": (
        NFOP,
        "parent: fugitive-operations-division",
        "parent: fugitive-ops-division",
        "parent:",
        "parent",
        "no program 'fugitive-ops-division' (did you mean 'fugitive-operations-division'?)",
    ),
    "unknown source": (
        NFOP,
        'sources: ["002", "000", "003"]',
        'sources: ["002", "000", "009"]',
        "sources:",
        "sources[2]",
        'unknown source id "009"',
    ),
    "quote not in source": (
        NFOP,
        "NFOP efforts resulted in more than 37,000 arrests.",
        "NFOP efforts resulted in more than 38,000 arrests.",
        "quote:",
        "facts[0].quote",
        'does not occur in source "000"',
    ),
    "figure not in quote": (
        NFOP,
        'figure: "more than 37,000"',
        'figure: "more than 47,000"',
        "figure:",
        "facts[0].figure",
        "'more than 47,000' does not occur in quote",
    ),
    "broken internal link": (
        NFOP,
        "(program:absconder-apprehension-initiative)",
        "(program:absconder-initiative)",
        "program:absconder-initiative",
        "body",
        "link to program:absconder-initiative: no such program",
    ),
    "unknown link kind": (
        NFOP,
        "(program:absconder-apprehension-initiative)",
        "(programme:absconder-apprehension-initiative)",
        "programme:absconder",
        "body",
        "unknown kind of link",
    ),
    "bad date": (
        NFOP,
        "reviewed: 2026-12-01",
        "reviewed: 2026-13-45",
        "reviewed:",
        "reviewed",
        "is not a date",
    ),
    "fact missing field": (
        NFOP,
        "    label: Arrests",
        "    lable: Arrests",
        "lable",
        "facts[0].lable",
        "unknown field",
    ),
    "other name kind": (
        NFOP,
        "    kind: also",
        "    kind: older",
        "kind: older",
        "other_names[0].kind",
        "must be 'also' or 'formerly'",
    ),
    "duplicate key": (
        NFOP,
        "acronym: NFOP",
        "acronym: NFOP\nacronym: XYZ",
        "acronym: XYZ",
        "acronym",
        "is given twice",
    ),
    "glossary acronym twice": (
        "glossary/fugitive-alien.md",
        "acronyms: []",
        'acronyms: ["NFOP"]',
        "acronyms:",
        "acronyms[0]",
        "'NFOP' is already defined",
    ),
    "faq unknown topic": (
        "faq/" + "{faq}",
        "topic: ",
        "topic: Fugitives ",
        "topic:",
        "topic",
        "unknown topic",
    ),
    "faq most_asked below 0": (
        "faq/" + "{faq}",
        "topic: ",
        "most_asked: -1\ntopic: ",
        "most_asked:",
        "most_asked",
        "must be between 0 and",
    ),
    "not a list": (
        NFOP,
        'sources: ["002", "000", "003"]',
        'sources: "002"',
        "sources:",
        "sources",
        "must be a list",
    ),
}


def first_faq() -> str:
    return sorted((CONTENT_DIR / "faq").glob("*.md"))[0].name


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_reported_and_nothing_is_written(case, content_copy, capsys):
    relpath, old, new, line_needle, field, message = BAD_INPUTS[case]
    relpath = relpath.format(faq=first_faq())
    path = content_copy / relpath
    replace_in(path, old, new)
    # A valid change elsewhere must not be written either: the load is all or nothing.
    replace_in(content_copy / "programs" / "rapid-repat.md", "summary: ", "summary: Changed. ")
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was written"):
        load(content_copy)
    err = capsys.readouterr().err
    line = line_of(path, line_needle) if line_needle else 1
    expected = f"{relpath}:{line}: {field}: "
    assert any(expected in e and message in e for e in err.splitlines()), err
    assert snapshot() == before


def test_cycle_of_parents_is_reported(content_copy):
    replace_in(
        content_copy / "programs" / "fugitive-operations-division.md",
        "parent: enforcement",
        "parent: national-fugitive-operations-program",
    )
    with pytest.raises(ContentErrors) as exc:
        read_content(content_copy)
    assert any(
        e.field == "parent" and "makes a cycle" in e.message and e.line > 1
        for e in exc.value.errors
    ), exc.value


def test_every_error_is_reported_not_just_the_first(content_copy):
    replace_in(
        content_copy / "programs" / "rapid-repat.md", "reviewed: 2026-12-01", "reviewed: soon"
    )
    replace_in(content_copy / "programs" / "deport-center.md", "summary: ", "sumary: ")
    with pytest.raises(ContentErrors) as exc:
        read_content(content_copy)
    paths = {e.path.rsplit("/", 1)[-1] for e in exc.value.errors}
    assert {"rapid-repat.md", "deport-center.md"} <= paths


def test_file_that_is_not_utf8_is_reported(content_copy):
    path = content_copy / "programs" / "rapid-repat.md"
    path.write_bytes(path.read_bytes().replace(b"reviewed:", b"reviewed\xff:", 1))
    with pytest.raises(ContentErrors) as exc:
        read_content(content_copy)
    error = exc.value.errors[0]
    assert error.field == "file" and "is not UTF-8" in error.message
    assert error.line == line_of(CONTENT_DIR / "programs" / "rapid-repat.md", "reviewed:")


def test_duplicate_source_id_is_reported(content_copy):
    replace_in(content_copy / "sources" / "ice-home-page.md", 'id: "001"', 'id: "002"')
    with pytest.raises(ContentErrors) as exc:
        read_content(content_copy)
    assert any(e.field == "id" and "is also used by" in e.message for e in exc.value.errors)


def test_quote_ignores_white_space_and_no_break_spaces():
    from programs.content import normalize_space

    assert normalize_space("noncitizen\u00a0smuggling,\n and") == "noncitizen smuggling, and"


def test_link_with_an_anchor_keeps_it(content_copy):
    replace_in(
        content_copy / "programs" / "rapid-repat.md",
        "reviewed: 2026-12-01\n---\n",
        "reviewed: 2026-12-01\n---\nSee [NFOP](program:national-fugitive-operations-program#how-it-works).\n",
    )
    html = read_content(content_copy).programs["rapid-repat"]["body_html"]
    assert 'href="/programs/national-fugitive-operations-program/#how-it-works"' in html
