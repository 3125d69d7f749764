"""Editors: preview equals the public page, admin checks, nothing lost between files and admin."""

import html
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from programs.admin import FactForm
from programs.content import ContentErrors, read_content
from programs.models import ContentVersion, Fact, GlossaryTerm, Program, Revision, Source

from .conftest import CONTENT_DIR, replace_field, replace_in

pytestmark = pytest.mark.django_db


def body_of_page(html: str) -> str:
    return re.search(r'<div class="usa-prose program-body">(.*?)</div>\n', html, re.S).group(1)


def test_preview_equals_the_public_page_body(staff_client):
    program = Program.objects.get(slug="national-fugitive-operations-program")
    preview = staff_client.post("/admin/markdownx/markdownify/", {"content": program.body})
    assert preview.status_code == 200
    public = staff_client.get(program.get_absolute_url()).content.decode()
    assert preview.content.decode() == program.body_html == body_of_page(public)
    assert 'class="term-link"' in preview.content.decode()  # glossary links included


def model_data(obj, **changes) -> dict:
    """A record's editable fields as an admin form posts them."""
    data = {}
    for field in obj._meta.get_fields():
        if not getattr(field, "editable", False) or field.auto_created or not field.concrete:
            continue
        value = field.value_from_object(obj)
        if field.many_to_many:
            value = [o.pk for o in value]
        elif isinstance(value, (list, dict)):
            value = json.dumps(value)
        elif isinstance(value, bool):
            value = "on" if value else ""
        data[field.name] = "" if value is None else value
    return data | changes


def admin_post_data(program: Program, **changes) -> dict:
    facts = list(program.facts.all())
    data = {
        "title": program.title,
        "acronym": program.acronym,
        "other_names": json.dumps(program.other_names),
        "parent": program.parent_id or "",
        "also_parents": [p.pk for p in program.also_parents.all()],
        "order": program.order,
        "summary": program.summary,
        "sources": [s.pk for s in program.sources.all()],
        "body": program.body,
        "glossary_links": "on",
        "reviewed": program.reviewed.isoformat(),
        "facts-TOTAL_FORMS": len(facts),
        "facts-INITIAL_FORMS": len(facts),
        "facts-MIN_NUM_FORMS": 0,
        "facts-MAX_NUM_FORMS": 1000,
    }
    for i, fact in enumerate(facts):
        for field in ("id", "figure", "label", "quote", "order"):
            data[f"facts-{i}-{field}"] = getattr(fact, field)
        data[f"facts-{i}-source"] = fact.source_id
        data[f"facts-{i}-program"] = program.pk
    data.update(changes)
    return data


def change_url(program: Program) -> str:
    return f"/admin/programs/program/{program.pk}/change/"


def test_admin_save_updates_page_file_text_history_and_version(staff_client):
    program = Program.objects.get(slug="rapid-repat")
    old_text, version = program.file_text, ContentVersion.current()
    response = staff_client.post(
        change_url(program), admin_post_data(program, summary="An edited summary.")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    program.refresh_from_db()
    assert program.edited_in_admin
    assert "summary: An edited summary." in program.file_text
    assert ContentVersion.current() > version
    assert Revision.objects.get(kind="program", slug="rapid-repat").file_text == old_text
    assert "An edited summary." in staff_client.get(program.get_absolute_url()).content.decode()
    history = staff_client.get("/programs/rapid-repat/history/").content.decode()
    assert "by an admin edit" in history and "An edited summary." in history


def loader_messages(content_copy, file_name: str) -> list[str]:
    """What the loader says about one file of the content."""
    with pytest.raises(ContentErrors) as exc:
        read_content(content_copy)
    return [e.message for e in exc.value.errors if e.path.endswith("/" + file_name)]


def admin_errors(response) -> str:
    assert response.status_code == 200  # the form again, with its errors: nothing saved
    return html.unescape(response.content.decode())


def test_admin_refuses_what_the_loader_refuses_in_the_loader_s_words(staff_client, content_copy):
    """The same change in a file and in the admin: the admin's message is the loader's."""
    program = Program.objects.get(slug="fugitive-operations-division")
    child = Program.objects.get(slug="national-fugitive-operations-program")
    path = content_copy / "programs" / "fugitive-operations-division.md"
    replace_in(path, "parent: enforcement", f"parent: {child.slug}")
    (cycle,) = loader_messages(content_copy, path.name)
    assert cycle.startswith("makes a cycle: fugitive-operations-division -> ")
    response = staff_client.post(change_url(program), admin_post_data(program, parent=child.pk))
    assert cycle in admin_errors(response)

    replace_in(path, f"parent: {child.slug}", "parent: enforcement")
    replace_in(path, "\n---\n", "\n---\nSee [x](program:no-such-unit).\n\n")
    (link,) = loader_messages(content_copy, path.name)
    assert link.startswith("link to program:no-such-unit: no such program")
    body = "See [x](program:no-such-unit)."
    response = staff_client.post(change_url(program), admin_post_data(program, body=body))
    assert link in admin_errors(response)
    program.refresh_from_db()
    assert not program.edited_in_admin


def test_admin_refuses_a_source_that_does_not_name_the_unit(staff_client, content_copy):
    path = content_copy / "programs" / "rapid-repat.md"
    replace_field(path, "sources", '["004", "002"]')
    (message,) = loader_messages(content_copy, path.name)
    assert message.startswith('source "002" does not name this unit')
    program = Program.objects.get(slug="rapid-repat")
    ero_page = Source.objects.get(source_id="002")
    sources = [s.pk for s in program.sources.all()] + [ero_page.pk]
    response = staff_client.post(change_url(program), admin_post_data(program, sources=sources))
    assert message in admin_errors(response)


def test_admin_refuses_a_repeated_acronym_in_the_loader_s_words(staff_client, content_copy):
    replace_in(content_copy / "glossary/fugitive-alien.md", "acronyms: []", 'acronyms: ["NFOP"]')
    (message,) = loader_messages(content_copy, "fugitive-alien.md")
    assert message.startswith("'NFOP' is already defined in ")
    term = GlossaryTerm.objects.get(slug="fugitive-alien")
    response = staff_client.post(
        f"/admin/programs/glossaryterm/{term.pk}/change/", model_data(term, acronyms='["NFOP"]')
    )
    assert message in admin_errors(response)


def test_admin_refuses_a_source_text_that_breaks_the_quotes_citing_it(staff_client):
    source = Source.objects.get(source_id="000")
    citing = Fact.objects.filter(source=source).count()
    assert citing > 0
    response = staff_client.post(
        f"/admin/programs/source/{source.pk}/change/",
        model_data(source, text="The page was emptied."),
    )
    errors = admin_errors(response)
    assert errors.count('does not occur in source "000"') >= citing
    assert "program:national-fugitive-operations-program facts[0].quote" in errors
    source.refresh_from_db()
    assert source.text != "The page was emptied." and not source.edited_in_admin


def test_fact_quote_and_figure_are_checked_in_the_admin():
    source = Source.objects.get(source_id="000")
    form = FactForm(
        data={
            "figure": "more than 38,000",
            "label": "x",
            "source": source.pk,
            "quote": "In FY2012, NFOP efforts resulted in more than 37,000 arrests.",
            "order": 0,
        }
    )
    assert not form.is_valid()
    assert form.errors["figure"] == ["'more than 38,000' does not occur in quote"]
    form = FactForm(data={"figure": "1", "label": "x", "source": source.pk, "quote": "1 made up"})
    assert not form.is_valid()
    assert form.errors["quote"] == ['does not occur in source "000"']


def test_admin_lists_the_program_tree_in_order(staff_client):
    html = staff_client.get("/admin/programs/program/?o=1").content.decode()
    assert "— — Criminal Apprehension Program (CAP)" in html
    assert html.index("Criminal Apprehension Division") < html.index("— — — Rapid Removal")


def test_admin_search_finds_a_program_by_its_acronym(staff_client):
    html = staff_client.get("/admin/programs/program/", {"q": "NFOP"}).content.decode()
    assert "National Fugitive Operations Program" in html
    assert "Rapid Removal" not in html


def test_every_content_model_has_an_admin(staff_client):
    for path in ("program", "source", "glossaryterm", "question", "page", "revision"):
        assert staff_client.get(f"/admin/programs/{path}/").status_code == 200


# --- Files and admin together --------------------------------------------------------------
def edit_in_admin(client, slug: str, summary: str) -> Program:
    program = Program.objects.get(slug=slug)
    response = client.post(change_url(program), admin_post_data(program, summary=summary))
    assert response.status_code == 302
    return program


def test_load_refuses_to_overwrite_admin_edits_and_names_them(staff_client, content_copy, capsys):
    edit_in_admin(staff_client, "rapid-repat", "Edited in the admin.")
    path = content_copy / "programs" / "rapid-repat.md"
    replace_in(path, "summary: ", "summary: Edited in the file. ")
    with pytest.raises(CommandError, match="export_content"):
        call_command("load_content", content_dir=str(content_copy))
    assert "program:rapid-repat: changed in the admin" in capsys.readouterr().err
    assert Program.objects.get(slug="rapid-repat").summary == "Edited in the admin."


def test_discard_admin_edits_overwrites_them(staff_client, content_copy):
    edit_in_admin(staff_client, "rapid-repat", "Edited in the admin.")
    call_command("load_content", content_dir=str(content_copy), discard_admin_edits=True)
    program = Program.objects.get(slug="rapid-repat")
    assert program.summary != "Edited in the admin." and not program.edited_in_admin


def test_export_writes_admin_edits_then_load_changes_nothing(staff_client, content_copy, capsys):
    edit_in_admin(staff_client, "rapid-repat", "Edited in the admin.")
    call_command("export_content", content_dir=str(content_copy))
    assert "summary: Edited in the admin." in (content_copy / "programs/rapid-repat.md").read_text()
    capsys.readouterr()
    call_command("load_content", content_dir=str(content_copy))
    assert "0 created, 0 updated" in capsys.readouterr().out
    assert Program.objects.get(slug="rapid-repat").summary == "Edited in the admin."


def test_exported_admin_file_reads_back_as_the_same_record(staff_client, content_copy):
    edit_in_admin(staff_client, "national-fugitive-operations-program", "Edited.")
    call_command("export_content", content_dir=str(content_copy))
    record = read_content(content_copy).programs["national-fugitive-operations-program"]
    program = Program.objects.get(slug="national-fugitive-operations-program")
    assert record["summary"] == "Edited." and record["body"] == program.body
    assert [f["quote"] for f in record["facts"]] == [f.quote for f in program.facts.all()]
    assert set(record["sources"]) == {s.source_id for s in program.sources.all()}


def test_load_then_export_is_byte_identical_over_the_whole_content(content_copy):
    call_command("export_content", content_dir=str(content_copy))
    for original in CONTENT_DIR.rglob("*"):
        if original.is_file():
            copy = content_copy / original.relative_to(CONTENT_DIR)
            assert copy.read_bytes() == original.read_bytes(), original


def test_export_never_deletes_a_file_it_does_not_know(content_copy, capsys):
    extra = content_copy / "programs" / "not-loaded-yet.md"
    extra.write_text("---\ntitle: New\n---\n")
    call_command("export_content", content_dir=str(content_copy))
    assert extra.exists()
    assert (
        "left alone (no record in the database): programs/not-loaded-yet.md"
        in capsys.readouterr().out
    )


def test_load_change_keeps_history_with_a_diff(client, content_copy):
    path = content_copy / "programs" / "deport-center.md"
    replace_in(path, "summary: ", "summary: Newer. ")
    call_command("load_content", content_dir=str(content_copy))
    html = client.get("/programs/deport-center/history/").content.decode()
    assert "2 versions" in html and "by a content load" in html
    assert re.search(r"<ins><span class=\"usa-sr-only\">Added: </span>summary: Newer\.", html)
    assert re.search(r"<del><span class=\"usa-sr-only\">Removed: </span>summary: ", html)
    page = client.get("/programs/deport-center/").content.decode()
    assert 'href="/programs/deport-center/history/"' in page and "Last changed on this site" in page


# --- check_content -------------------------------------------------------------------------
def test_check_content_reports_errors_like_load_and_writes_nothing(content_copy, capsys):
    path = content_copy / "programs" / "rapid-repat.md"
    replace_field(path, "reviewed", "someday")
    before = Program.objects.get(slug="rapid-repat").content_hash
    with pytest.raises(CommandError):
        call_command("check_content", content_dir=str(content_copy))
    assert re.search(
        r"rapid-repat\.md:\d+: reviewed: 'someday' is not a date", capsys.readouterr().err
    )
    assert Program.objects.get(slug="rapid-repat").content_hash == before


def test_check_content_warns_about_numbers_unused_terms_and_old_reviews(content_copy, capsys):
    path = content_copy / "programs" / "rapid-repat.md"
    replace_field(path, "reviewed", "2024-01-02")
    replace_in(path, "\n---\n", "\n---\nIt handled 98,765 cases.\n\n")
    call_command("check_content", content_dir=str(content_copy))
    out = capsys.readouterr().out
    assert re.search(r"rapid-repat\.md:\d+: body: the number 98,765 appears in none", out)
    assert re.search(r"rapid-repat\.md:\d+: reviewed: 2024-01-02 is more than a year ago", out)
    assert "term: no page uses" in out
    assert "no errors" in out


# --- Reload while serving -------------------------------------------------------------------
def summary_in(database: Path, slug: str) -> str:
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT summary FROM programs_program WHERE slug = ?", [slug]).fetchone()
    return row[0] if row else ""


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_saving_a_file_reloads_within_two_seconds(content_copy, tmp_path):
    """The watcher `make serve` runs, as its own process with its own database."""
    database, errors = tmp_path / "watch.sqlite3", tmp_path / "errors.txt"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{database}",
        "CONTENT_DIR": str(content_copy),
        "CONTENT_ERRORS_FILE": str(errors),
        "DJANGO_DEBUG": "1",
    }
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    watcher = subprocess.Popen(
        [*manage, "watch_content"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert "Watching" in watcher.stdout.readline()
        assert "Content reloaded" in watcher.stdout.readline()
        time.sleep(0.5)  # let the file watcher arm itself
        path = content_copy / "programs" / "rapid-repat.md"
        replace_in(path, "summary: ", "summary: Live. ")
        assert wait_until(lambda: summary_in(database, "rapid-repat").startswith("Live. "), 2.0)
        # A bad edit: the errors are written for pages to show; the last good content stays.
        replace_field(path, "reviewed", "x")
        assert wait_until(errors.exists, 2.0)
        assert "reviewed: 'x' is not a date" in errors.read_text()
        assert summary_in(database, "rapid-repat").startswith("Live. ")
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)


def test_errors_of_a_failed_reload_show_on_pages_in_development(client, settings, tmp_path):
    settings.DEBUG = True
    settings.CONTENT_ERRORS_FILE = tmp_path / "errors.txt"
    settings.CONTENT_ERRORS_FILE.write_text("content/programs/x.md:3: title: is required")
    html = client.get("/").content.decode()
    assert "Content not reloaded" in html and "content/programs/x.md:3: title: is required" in html
    settings.DEBUG = False
    assert "Content not reloaded" not in client.get("/").content.decode()


def test_development_shows_a_failed_reload_on_pages_already_visited_and_clears_it(
    client, settings, tmp_path
):
    # As `make serve` runs: DEBUG on, with the page cache as configured (on).
    settings.DEBUG, settings.PAGE_CACHE, settings.CONTENT_VERSION_TTL = True, True, 60
    settings.CONTENT_ERRORS_FILE = tmp_path / "errors.txt"
    assert "Content not reloaded" not in client.get("/faq/").content.decode()
    settings.CONTENT_ERRORS_FILE.write_text("content/faq/x.md:3: topic: unknown topic")
    assert "content/faq/x.md:3: topic: unknown topic" in client.get("/faq/").content.decode()
    settings.CONTENT_ERRORS_FILE.unlink()  # the next reload succeeded
    assert "Content not reloaded" not in client.get("/faq/").content.decode()


def test_export_refuses_to_overwrite_a_file_edited_since_the_load(
    staff_client, content_copy, capsys
):
    edit_in_admin(staff_client, "rapid-repat", "Edited in the admin.")
    path = content_copy / "programs" / "rapid-repat.md"
    replace_in(path, "summary: ", "summary: Edited on disk. ")
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("export_content", content_dir=str(content_copy))
    assert "programs/rapid-repat.md: changed on disk since the last load" in capsys.readouterr().err
    assert "Edited on disk." in path.read_text()
    call_command("export_content", content_dir=str(content_copy), overwrite_file_edits=True)
    assert "summary: Edited in the admin." in path.read_text()
