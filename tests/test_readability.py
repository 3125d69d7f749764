"""Plain language, held by measurement: the style guide's targets on the real content, and the
checks that tell an editor where a page falls short."""

import re
import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from programs import readability, spanish_readability
from programs.content import read_content
from programs.source_overlap import SourceSentences

from .conftest import CONTENT_DIR


@pytest.fixture(scope="module")
def first_read():
    return readability.first_read(read_content(CONTENT_DIR))


@pytest.mark.parametrize("kind", ["summary", "FAQ opening", "glossary opening"])
def test_what_readers_meet_first_reads_at_grade_8(first_read, kind):
    items = first_read[kind]
    assert readability.median_grade(items) <= readability.MEDIAN_GRADE
    too_hard = [(i.path, round(i.grade, 1)) for i in items if i.grade > readability.MAX_GRADE]
    assert too_hard == []


def test_every_summary_is_one_short_sentence(first_read):
    long_or_many = [
        i.path
        for i in first_read["summary"]
        if i.words > readability.SUMMARY_MAX_WORDS or readability.sentence_count(i.text) != 1
    ]
    assert long_or_many == []


def test_faq_openings_are_short(first_read):
    words = sorted(i.words for i in first_read["FAQ opening"])
    assert words[len(words) // 2] <= readability.FAQ_OPENING_MEDIAN_WORDS


def test_grade_needs_no_network(monkeypatch):
    """textstat's pronouncing dictionary comes from a package, never a download."""

    def refuse(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert readability.grade("The field offices find people. They send them home.") < 6
    assert (
        readability.grade(
            "Notwithstanding jurisdictional considerations, interagency coordination "
            "necessitates comprehensive institutionalized documentation."
        )
        > 12
    )


def test_initials_do_not_end_a_sentence():
    assert readability.sentence_count("It helps people in U.S. prisons and jails.") == 1
    assert readability.sentence_count("It helps people. Then it stops.") == 2


def test_opening_is_the_first_paragraph_as_text():
    html = '<p>First <a href="/x">part</a>.</p>\n<p>Second.</p>'
    assert readability.opening(html) == "First part."


def write(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_citing_a_source_that_does_not_name_the_unit_is_an_error(content_copy, capsys):
    path = content_copy / "programs" / "deport-center.md"
    text = path.read_text(encoding="utf-8")
    sources_line = next(line for line in text.split("\n") if line.startswith("sources:"))
    write(path, sources_line, 'sources: ["004", "000"]')
    with pytest.raises(CommandError):
        call_command("check_content", content_dir=str(content_copy))
    err = capsys.readouterr().err
    line = text.split("\n").index(sources_line) + 1
    assert f'programs/deport-center.md:{line}: sources[1]: source "000" does not name' in err
    assert "sources[0]" not in err  # the CAP page does name the DEPORT Center


def test_check_content_warns_about_hard_and_long_summaries(content_copy, capsys):
    path = content_copy / "programs" / "rapid-repat.md"
    summary = next(line for line in path.read_text().split("\n") if line.startswith("summary:"))
    hard = (
        "summary: Notwithstanding jurisdictional considerations, interagency coordination "
        "necessitates comprehensive institutionalized documentation of multifaceted "
        "administrative determinations regarding prospective repatriation eligibility, "
        "notwithstanding supplementary intergovernmental consultations concerning "
        "extraterritorial correctional populations and their subsequent documentation."
    )  # under the column's 400 characters (longer is an error), over 25 words
    write(path, summary, hard)
    call_command("check_content", content_dir=str(content_copy))
    out = capsys.readouterr().out
    assert re.search(r"rapid-repat\.md:\d+: summary: the summary reads at grade \d+", out)
    assert re.search(r"rapid-repat\.md:\d+: summary: the summary has \d+ words", out)


SOURCE = {
    "002": "The Domestic Operations Division oversees, directs, and coordinates all ERO "
    "Field Operations activities throughout the nation's field offices and sub-offices."
}


def test_a_lightly_edited_source_sentence_is_flagged():
    index = SourceSentences(SOURCE)
    copied = (
        "The Domestic Operations Division oversees, directs and coordinates all Field "
        "Operations activities in the nation's field offices and sub-offices."
    )
    [overlap] = index.overlaps(copied)
    assert overlap.source_id == "002" and overlap.shared >= 0.8 * overlap.total


def test_own_words_and_marked_quotes_are_not_flagged():
    index = SourceSentences(SOURCE)
    rewritten = (
        "At headquarters, one division runs the daily work of every field office and the "
        "smaller offices under them."
    )
    quoted = (
        'The ERO page says the division "oversees, directs, and coordinates all ERO Field '
        "Operations activities throughout the nation's field offices and sub-offices.\""
    )
    assert index.overlaps(rewritten) == []
    assert index.overlaps(quoted) == []


def test_check_content_reports_copied_sentences_with_their_line(content_copy, capsys):
    path = content_copy / "programs" / "domestic-operations-division.md"
    copied = (
        "\nThe division oversees, directs, and coordinates all ERO Field Operations activities "
        "throughout the nation's field offices and sub-offices.\n"
    )
    path.write_text(path.read_text(encoding="utf-8") + copied, encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").rstrip("\n").split("\n"))
    call_command("check_content", content_dir=str(content_copy))
    out = capsys.readouterr().out
    assert f"domestic-operations-division.md:{line}: body: a sentence shares" in out


def test_a_name_counts_only_as_whole_words():
    from programs.rules import unit_naming_problem

    names = ["Enforcement and Removal Operations", "ERO"]
    text = "IDENT/IAFIS interoperability is used."
    problem = unit_naming_problem(names, names[0], "009", "the test page", text)
    assert problem.startswith('source "009" does not name this unit')
    assert unit_naming_problem(names, names[0], "009", "the test page", "ERO's work.") is None


# --- Spanish: Szigriszt-Pazos on the INFLESZ scale (programs/spanish_readability.py) -----------
def test_spanish_first_read_text_is_easy_to_read():
    es = spanish_readability
    measured = es.first_read(read_content(CONTENT_DIR))
    counts = {what: len(items) for what, items in measured.items()}
    assert counts == {"summary": 63, "FAQ opening": 71, "glossary opening": 133}
    for what, items in measured.items():
        assert es.median_ease(items) >= es.MEDIAN_EASE, what
        hardest = min(items, key=lambda item: es.ease(item.text))
        assert es.ease(hardest.text) >= es.MIN_EASE, (what, hardest.path, hardest.text)


def test_spanish_ease_tells_plain_from_hard_spanish():
    ease = spanish_readability.ease
    plain = "ICE tiene una línea para llamar. La llamada es gratis. Puede llamar a toda hora."
    hard = (
        "La administración correspondiente implementará procedimientos interinstitucionales "
        "extraordinariamente complejos, considerando simultáneamente consideraciones "
        "jurisdiccionales, constitucionales e internacionales pertinentes."
    )
    assert ease(plain) > 80 > 40 > ease(hard)
