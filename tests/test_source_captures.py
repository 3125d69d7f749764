"""Issue 11: new captures of a source, the change report, pinned facts and quotes, the public
record of what changed. Every test capture is made from an existing one, in a copy of the
content (the `content_copy` fixture); nothing is added to the real content folder."""

import datetime
import html
import json
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from programs import capture_diff, editing, rules
from programs.captures import date_line_of, latest_year_of
from programs.content import ContentErrors, read_content
from programs.content_warnings import content_warnings
from programs.export import export_content, file_text_for
from programs.models import Fact, GlossaryTerm, Source, SourceCapture
from programs.page_text import page_text

from .conftest import CONTENT_DIR

pytestmark = pytest.mark.django_db

ERO_TEXT = (CONTENT_DIR / "sources" / "ero-page.txt").read_text(encoding="utf-8")
NEW = "2026-06-01"
NEW_FILE = f"ero-page.{NEW}.txt"
IHSC_BUDGET = "IHSC executed a budget that approached $324 million in FY 2022."


def changed_capture() -> str:
    """The ERO page as it might read later: a figure changed, a quoted sentence removed, a unit
    renamed throughout, a new unit, a new date line."""
    text = ERO_TEXT.replace("129 designated", "135 designated")
    text = text.replace(IHSC_BUDGET, "")
    text = text.replace("Fugitive Operations Division", "Fugitive Apprehension Division")
    text = text.replace(
        "  • Custody Management:",
        "  • Border Liaison Division: Coordinates removals with partners along the border.\n"
        "  • Custody Management:",
    )
    text = text.replace("Updated: 01/18/2023", "Updated: 06/01/2026")
    assert text.count("Updated: 06/01/2026") == 1 and "135 designated" in text
    return text


def as_saved_html(text: str) -> str:
    """A capture as a browser would save the page: paragraphs and lists inside navigation, a
    header and a footer, with a script and a style the text must leave out."""
    body = []
    items = []
    for block in text.split("\n"):
        if block.startswith("  • "):
            items.append(f"<li>{html.escape(block[4:])}</li>")
            continue
        if items:
            body.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if block.strip():
            body.append(f"<p>{html.escape(block)}</p>")
    if items:
        body.append("<ul>" + "".join(items) + "</ul>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Enforcement and Removal Operations | ICE</title>"
        "<style>p { color: red }</style><script>var tracking = 'Do not keep me';</script>"
        "</head><body><nav><ul><li>Newsroom</li><li>Careers Portal</li></ul></nav><main>"
        + "\n".join(body)
        + "</main><footer><p>Privacy Policy Footer</p></footer></body></html>"
    )


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def import_source(content: Path, file: Path, captured: str = NEW, capsys=None) -> str:
    call_command("import_source", "ero-page", str(file), captured=_date(captured),
                 content_dir=str(content))  # fmt: skip
    return capsys.readouterr().out if capsys else ""


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def pin(path: Path, line: int, key: str = "first") -> None:
    """Pin the quote written on `line` to a capture: a `capture:` line right after it."""
    lines = path.read_text(encoding="utf-8").split("\n")
    indent = re.match(r"\s*", lines[line - 1]).group()
    lines.insert(line, f"{indent}capture: {key}")
    path.write_text("\n".join(lines), encoding="utf-8")


# --- The five existing captures -----------------------------------------------------------------
def test_each_existing_capture_is_the_first_capture_of_its_source():
    for source in Source.objects.all():
        captures = list(source.captures.all())
        assert [c.key for c in captures] == ["first"]
        first = captures[0]
        on_disk = (CONTENT_DIR / "sources" / source.capture_file).read_text(encoding="utf-8")
        assert first.text == source.text == on_disk
        assert first.captured is None and first.captured_label == "capture date not recorded"
        assert (first.date_line, first.date, first.latest_year) == (
            source.date_line,
            source.date,
            source.latest_year,
        )
    assert not list((CONTENT_DIR / "sources").glob("*.????-??-??.txt"))


def test_date_line_and_newest_year_are_read_from_each_existing_capture_as_its_md_gives_them():
    """The rules that describe a later capture, checked against what editors wrote for the five
    first ones."""
    for source in Source.objects.all():
        line, date = date_line_of(source.text)
        assert line.strip() == source.date_line.strip()
        assert date == source.date
        assert latest_year_of(source.text) == source.latest_year


# --- import_source refuses, and writes nothing -----------------------------------------------
REFUSED = {
    "identical": (ERO_TEXT, "the same text as the first capture"),
    "identical but for white space": (ERO_TEXT.replace("\n", "\n\n  "), "white space aside"),
    "empty": ("", "the file is empty"),
    "only blank": ("  \n\n ", "the file is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    "not UTF-8": ("Año".encode("latin-1") + b" text", "not HTML or UTF-8 text"),
    "page not found": (
        "<!DOCTYPE html><html><head><title>Page Not Found | ICE</title></head><body>"
        "<h1>Page Not Found</h1><p>The page you requested could not be found.</p></body></html>",
        "error page ('Page Not Found | ICE')",
    ),
    "no visible text": ("<html><body><script>x()</script></body></html>", "no visible text"),
}


@pytest.mark.parametrize("case", REFUSED, ids=REFUSED)
def test_import_refuses_with_a_clear_message_and_changes_nothing(content_copy, tmp_path, case):
    data, message = REFUSED[case]
    before = sorted(p.name for p in (content_copy / "sources").iterdir())
    with pytest.raises(CommandError, match=re.escape(message)):
        import_source(content_copy, write(tmp_path, "page.html", data))
    assert sorted(p.name for p in (content_copy / "sources").iterdir()) == before


def test_import_never_overwrites_a_capture_nor_goes_back_in_time(content_copy, tmp_path):
    page = write(tmp_path, "page.txt", changed_capture())
    import_source(content_copy, page)
    written = (content_copy / "sources" / NEW_FILE).read_bytes()
    other = write(tmp_path, "other.txt", changed_capture() + "\nOne more line.\n")
    for captured in (NEW, "2026-05-01"):
        with pytest.raises(CommandError, match="the newest capture is of 2026-06-01"):
            import_source(content_copy, other, captured)
    with pytest.raises(CommandError, match="the same text as the capture of 2026-06-01"):
        import_source(content_copy, page, "2026-06-02")
    with pytest.raises(CommandError, match="in the future"):
        import_source(content_copy, other, "2999-01-01")
    assert (content_copy / "sources" / NEW_FILE).read_bytes() == written
    assert len(list((content_copy / "sources").glob("ero-page.*.txt"))) == 1


def test_import_of_an_unknown_source_names_the_closest(content_copy, tmp_path):
    with pytest.raises(CommandError, match=r"no source 'ero-pages'.*did you mean 'ero-page'"):
        call_command(
            "import_source", "ero-pages", str(write(tmp_path, "p.txt", "x")),
            content_dir=str(content_copy),
        )  # fmt: skip


# --- Text from HTML -----------------------------------------------------------------------------
def test_html_keeps_list_items_and_table_rows_on_their_own_lines_and_drops_scripts():
    text, what = page_text(
        b"<html><head><title>T</title><script>hidden()</script></head><body>"
        b"<ul><li>First item</li><li>Second item</li></ul>"
        b"<table><tr><td>Teams</td><td>129</td></tr><tr><td>Offices</td><td>25</td></tr></table>"
        b"<p>It&#39;s &amp; here.</p></body></html>"
    )
    lines = text.split("\n")
    assert what == "HTML"
    assert "  * First item" in lines and "  * Second item" in lines
    assert any(re.fullmatch(r"Teams\s+129", line) for line in lines)
    assert any(re.fullmatch(r"Offices\s+25", line) for line in lines)
    assert "It's & here." in lines and "hidden" not in text and "T\n" not in text


def test_the_same_page_saved_as_html_keeps_every_quote(content_copy, tmp_path, capsys):
    out = import_source(
        content_copy, write(tmp_path, "ero.html", as_saved_html(ERO_TEXT)), capsys=capsys
    )
    kept = (content_copy / "sources" / NEW_FILE).read_text(encoding="utf-8")
    assert "Newsroom" in kept and "Privacy Policy Footer" in kept
    assert "tracking" not in kept and "color: red" not in kept
    assert re.search(r"cite source \"002\": \d+ \(\d+ still present, 0 changed, 0 gone", out), out
    assert "Date line unchanged" in out
    content = read_content(content_copy)  # every fact and quote holds against the new capture
    captures = content.sources["ero-page"]["captures"]
    assert [c["key"] for c in captures] == ["first", NEW]
    assert captures[1]["date_line"] == "Updated: 01/18/2023"


# --- The change report ------------------------------------------------------------------------
def test_the_report_finds_each_change_and_names_each_file_and_line(content_copy, tmp_path, capsys):
    out = import_source(content_copy, write(tmp_path, "ero.txt", changed_capture()), capsys=capsys)
    assert (content_copy / "sources" / NEW_FILE).is_file()
    assert 'Date line changed: "Updated: 01/18/2023" -> "Updated: 06/01/2026"' in out
    teams = content_copy / "programs" / "fugitive-operations-teams.md"
    teams_line = line_of(teams, 'quote: "129 designated')
    assert re.search(
        rf"{re.escape(str(teams))}:{teams_line}: facts\[0\]\.quote: changed: closest sentence "
        r"\(score \d+\): \"[^\"]*135 designated[^\"]*\"; words that differ: 129 -> 135",
        out,
    ), out
    ihsc = content_copy / "programs" / "ice-health-service-corps.md"
    budget_line = line_of(ihsc, IHSC_BUDGET)
    assert re.search(rf"{re.escape(str(ihsc))}:{budget_line}: facts\[\d+\]\.quote: gone", out)
    division = content_copy / "programs" / "fugitive-operations-division.md"
    assert re.search(
        rf"{re.escape(str(division))}:\d+: facts\[0\]\.quote: changed: .*"
        r"words that differ: Operations -> Apprehension",
        out,
    ), out
    term = content_copy / "glossary" / "fugitive-operations-teams.md"
    assert f"{term}:{line_of(term, '129 designated')}: quote.text: changed" in out
    assert re.search(
        r"faq/how-many-fugitive-operations-teams-are-there\.md:\d+: sources\[0\]\.quote: changed",
        out,
    )
    assert "still present" in out
    assert "  129 -> 135" in out
    assert f"  Fugitive Operations Division (named in {division})" in out
    assert "  Border Liaison Division" in out and "  Fugitive Apprehension Division" in out
    assert "load_content refuses them" in out


def test_the_report_lists_every_line_of_the_sites_text_that_gives_a_changed_figure(
    content_copy, tmp_path, capsys
):
    out = import_source(content_copy, write(tmp_path, "ero.txt", changed_capture()), capsys=capsys)
    teams = content_copy / "programs" / "fugitive-operations-teams.md"
    assert f"{teams}:{line_of(teams, 'counts 129 of them. Two')}: body: gives 129" in out, out
    assert f"{teams}:{line_of(teams, 'summary:')}: summary: gives 129" in out
    spanish = content_copy / "es" / "programs" / "fugitive-operations-teams.md"
    assert re.search(rf"{re.escape(str(spanish))}:\d+: body: gives 129", out)
    # A figure inside a longer number or a hash is not that figure.
    assert not re.search(r"translated_from: gives", out)


def test_source_changes_compares_any_two_captures(content_copy, tmp_path, capsys):
    with pytest.raises(CommandError, match="has one capture so far"):
        call_command("source_changes", "ero-page", content_dir=str(content_copy))
    import_source(content_copy, write(tmp_path, "ero.txt", changed_capture()))
    call_command("source_changes", "ero-page", content_dir=str(content_copy))
    newest_two = capsys.readouterr().out
    call_command(
        "source_changes", "ero-page", from_key=NEW, to_key="first", content_dir=str(content_copy)
    )
    backwards = capsys.readouterr().out
    assert "from the first capture" in newest_two and "129 -> 135" in newest_two
    assert "from the capture of 2026-06-01" in backwards and "135 -> 129" in backwards
    with pytest.raises(
        CommandError, match=r"no capture '2020-01-01' \(its captures: first, 2026-06-01\)"
    ):
        call_command(
            "source_changes", "ero-page", from_key="2020-01-01", content_dir=str(content_copy)
        )


# --- load_content after a new capture ------------------------------------------------------------
def test_load_refuses_unresolved_quotes_then_accepts_them_pinned(content_copy, tmp_path, client):
    import_source(content_copy, write(tmp_path, "ero.txt", changed_capture()))
    before = list(Fact.objects.values_list("pk", "quote", "capture_id"))
    with pytest.raises(ContentErrors) as refused:
        read_content(content_copy)
    errors = [e for e in refused.value.errors if "2026-06-01" in e.message]
    assert errors and len(errors) == len(refused.value.errors)
    teams = content_copy / "programs" / "fugitive-operations-teams.md"
    assert any(
        str(e).startswith(f"{teams}:{line_of(teams, 'quote: \"129')}: facts[0].quote: does not "
                          'occur in source "002" as the capture of 2026-06-01, its newest')
        and "capture: first" in e.message
        for e in errors
    )  # fmt: skip
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content", content_dir=str(content_copy))
    assert list(Fact.objects.values_list("pk", "quote", "capture_id")) == before
    assert SourceCapture.objects.filter(source__slug="ero-page").count() == 1

    # The editor pins each quote the report named to the capture it comes from.
    for error in sorted(errors, key=lambda e: -e.line):  # from the bottom: lines stay put
        pin(Path(error.path), error.line)
    call_command("load_content", content_dir=str(content_copy))
    ero = Source.objects.get(slug="ero-page")
    assert [c.key for c in ero.captures.all()] == ["first", NEW]
    assert ero.date_line == "Updated: 06/01/2026" and "135 designated" in ero.text
    fact = Fact.objects.get(program__slug="fugitive-operations-teams", order=0)
    assert fact.capture.key == "first"
    assert GlossaryTerm.objects.get(slug="fugitive-operations-teams").quote_capture.key == "first"

    page = client.get("/programs/fugitive-operations-teams/").content.decode()
    assert 'as the page said on <time datetime="2023-01-18">January 18, 2023</time>' in page
    spanish = client.get("/es/programs/fugitive-operations-teams/").content.decode()
    assert 'según decía la página el <time datetime="2023-01-18">' in spanish
    term = client.get("/glossary/fugitive-operations-teams/").content.decode()
    assert "as the page said on" in term

    changes = client.get("/sources/ero-page/changes/").content.decode()
    assert (
        "From the first capture (its date was not recorded) to the capture of June 1, 2026"
        in changes
    )
    assert re.search(r'<del><span class="usa-sr-only" lang="en">Before: </span>129</del> &rarr; '
                     r'<ins><span class="usa-sr-only" lang="en">After: </span>135</ins>', changes)  # fmt: skip
    assert "Border Liaison Division" in changes
    assert re.search(
        r"<ins><span class=\"usa-sr-only\" lang=\"en\">Added: </span>[^<]*Border Liaison", changes
    )
    assert re.search(
        r"<del><span class=\"usa-sr-only\" lang=\"en\">Removed: </span>[^<]*\$324 million", changes
    )
    assert ">Fugitive Operations Division</a>" in changes  # a unit no longer named
    es_changes = client.get("/es/sources/ero-page/changes/").content.decode()
    assert "Cifras que cambiaron" in es_changes and "Se agregó:" in es_changes
    # The Spanish labels inside the English diff are read as Spanish.
    assert '<span class="usa-sr-only" lang="es">Se agregó: </span>' in es_changes
    detail = client.get("/sources/ero-page/").content.decode()
    assert "Capture date not recorded" in detail and 'datetime="2026-06-01"' in detail
    assert 'href="/sources/ero-page/changes/"' in detail

    data = {r["slug"]: r for r in json.loads(client.get("/data/sources.json").content)}
    ero_data = data["ero-page"]
    assert [c["key"] for c in ero_data["captures"]] == ["first", NEW]
    assert ero_data["date_line"] == "Updated: 01/18/2023"  # the .md's own, as its file says
    assert ero_data["changes"][0]["figures"][0]["changed"] == [["129", "135"]]
    assert "Fugitive Operations Division" in ero_data["changes"][0]["units_no_longer_named"]


def test_after_a_new_capture_export_rewrites_nothing(content_copy, tmp_path):
    redated = as_saved_html(ERO_TEXT.replace("Updated: 01/18/2023", "Updated: 02/01/2023"))
    import_source(content_copy, write(tmp_path, "ero.html", redated))
    call_command("load_content", content_dir=str(content_copy))
    source = Source.objects.get(slug="ero-page")
    assert (source.date_line, str(source.date)) == ("Updated: 02/01/2023", "2023-02-01")
    # An admin save would write the .md from the record: it must still describe the first
    # capture (its date line, date and file), not the newest one the record shows.
    written = yaml.safe_load(file_text_for(source).split("---")[1])
    on_disk = yaml.safe_load((content_copy / "sources" / "ero-page.md").read_text().split("---")[1])
    assert written == on_disk and written["capture"] == "ero-page.txt"
    result = export_content(content_copy)
    assert result.written == [] and result.untracked == []


# --- Pins -------------------------------------------------------------------------------------
def test_a_pin_to_a_capture_that_does_not_exist_is_an_error(content_copy):
    teams = content_copy / "programs" / "fugitive-operations-teams.md"
    line = line_of(teams, 'quote: "129')
    pin(teams, line, "2025-01-01")
    with pytest.raises(ContentErrors) as refused:
        read_content(content_copy)
    assert [str(e) for e in refused.value.errors] == [
        f"{teams}:{line + 1}: facts[0].capture: source \"002\" has no capture '2025-01-01' "
        "(its captures: first)"
    ]


def test_a_pinned_quote_is_checked_against_its_capture():
    captures = [("first", "It has 129 teams."), ("2026-06-01", "It has 135 teams.")]
    assert rules.captured_quote_problem("129 teams", "002", captures, "first") is None
    assert rules.captured_quote_problem("135 teams", "002", captures, "first") == (
        'does not occur in source "002" as the first capture gives it'
    )
    assert rules.captured_quote_problem("135 teams", "002", captures) is None
    assert rules.captured_quote_problem("129 teams", "002", captures).endswith(
        "update it, pin it to the first capture, where it occurs (capture: first), or remove it"
    )
    assert rules.captured_quote_problem("99 teams", "002", captures[:1]) == (
        'does not occur in source "002"'
    )


def test_word_diff_shows_changes_only_with_a_few_words_around():
    old = " ".join(f"w{i}" for i in range(100))
    new = old.replace("w50", "CHANGED")
    hunks = capture_diff.word_diff(old, new, context=3)
    assert [h.parts for h in hunks] == [
        (("same", "w47 w48 w49"), ("del", "w50"), ("ins", "CHANGED"), ("same", "w51 w52 w53"))
    ]


def test_every_source_has_a_changes_page_in_both_languages(client):
    for source in Source.objects.all():
        english = client.get(f"/sources/{source.slug}/changes/")
        spanish = client.get(f"/es/sources/{source.slug}/changes/")
        assert english.status_code == spanish.status_code == 200
        assert "This site has one capture of this page so far" in english.content.decode()
        assert "una sola captura de esta página" in spanish.content.decode()


def test_check_content_warns_of_a_pin_the_newest_capture_makes_needless(content_copy):
    teams = content_copy / "programs" / "fugitive-operations-teams.md"
    line = line_of(teams, 'quote: "129')
    pin(teams, line)  # to the first capture, which is still the newest
    warnings = content_warnings(read_content(content_copy))
    assert (
        f"{teams}:{line + 1}: facts[0].capture: pinned to the first capture, but the newest "
        'capture of source "002" says the same: the pin can go'
    ) in warnings


def test_the_admin_checks_a_fact_against_its_pinned_capture(content_copy, tmp_path):
    import_source(content_copy, write(tmp_path, "ero.txt", changed_capture()))
    with pytest.raises(ContentErrors) as refused:
        read_content(content_copy)
    for error in sorted(refused.value.errors, key=lambda e: -e.line):
        pin(Path(error.path), error.line)
    call_command("load_content", content_dir=str(content_copy))
    ero = Source.objects.get(slug="ero-page")
    first, _newest = ero.captures.all()
    old_quote = "129 designated Fugitive Operations Teams (FOTs) throughout the nation"
    assert editing.quote_problems(ero, old_quote, "129", capture=first) == {}
    assert editing.quote_problems(ero, old_quote, "129")["quote"].startswith(
        'does not occur in source "002" as the capture of 2026-06-01, its newest'
    )
    assert editing.quote_problems(ero, old_quote.replace("129", "135"), "135") == {}
    other = SourceCapture.objects.get(source__source_id="000")
    assert (
        "has no capture '000: first'"
        in editing.quote_problems(ero, old_quote, capture=other)["capture"]
    )
    # An admin save of the source (its note) keeps its .md describing the first capture, and
    # leaves every capture as it was.
    previous = ero.file_text
    ero.body = "A note edited in the admin."
    ero.save()
    editing.record_admin_save(ero, previous)
    front = yaml.safe_load(Source.objects.get(pk=ero.pk).file_text.split("---")[1])
    assert (front["date_line"], front["capture"]) == ("Updated: 01/18/2023", "ero-page.txt")
    assert [(c.key, c.text) for c in ero.captures.all()] == [
        ("first", ERO_TEXT),
        (NEW, (content_copy / "sources" / NEW_FILE).read_text(encoding="utf-8")),
    ]
