"""Editors: preview equals the public page, admin checks, nothing lost between files and admin."""

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

from programs.admin import FactForm, ProgramAdmin
from programs.content import read_content
from programs.models import ContentVersion, Program, Revision, Source

from .conftest import CONTENT_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_user(
        "editor", password="pw-for-tests-only", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


def body_of_page(html: str) -> str:
    return re.search(r'<div class="usa-prose program-body">(.*?)</div>\n', html, re.S).group(1)


def test_preview_equals_the_public_page_body(staff):
    program = Program.objects.get(slug="national-fugitive-operations-program")
    preview = staff.post("/admin/markdownx/markdownify/", {"content": program.body})
    assert preview.status_code == 200
    public = staff.get(program.get_absolute_url()).content.decode()
    assert preview.content.decode() == program.body_html == body_of_page(public)
    assert 'class="term-link"' in preview.content.decode()  # glossary links included


def admin_post_data(program: Program, **changes) -> dict:
    facts = list(program.facts.all())
    data = {
        "title": program.title,
        "acronym": program.acronym,
        "other_names": __import__("json").dumps(program.other_names),
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


def test_admin_save_updates_page_file_text_history_and_version(staff):
    program = Program.objects.get(slug="rapid-repat")
    old_text, version = program.file_text, ContentVersion.current()
    response = staff.post(
        change_url(program), admin_post_data(program, summary="An edited summary.")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    program.refresh_from_db()
    assert program.edited_in_admin
    assert "summary: An edited summary." in program.file_text
    assert ContentVersion.current() > version
    assert Revision.objects.get(kind="program", slug="rapid-repat").file_text == old_text
    assert "An edited summary." in staff.get(program.get_absolute_url()).content.decode()
    history = staff.get("/programs/rapid-repat/history/").content.decode()
    assert "by an admin edit" in history and "An edited summary." in history


def test_admin_shows_loader_errors_on_the_field(staff):
    program = Program.objects.get(slug="fugitive-operations-division")
    child = Program.objects.get(slug="national-fugitive-operations-program")
    response = staff.post(change_url(program), admin_post_data(program, parent=child.pk))
    assert response.status_code == 200
    assert "makes a cycle" in response.content.decode()
    response = staff.post(
        change_url(program), admin_post_data(program, body="See [x](program:no-such-unit).")
    )
    assert "Link to a page that does not exist: program:no-such-unit" in response.content.decode()
    program.refresh_from_db()
    assert not program.edited_in_admin


def test_fact_quote_and_figure_are_checked_in_the_admin():
    source = Source.objects.get(source_id="000")
    form = FactForm(
        data={"figure": "more than 38,000", "label": "x", "source": source.pk,
              "quote": "In FY2012, NFOP efforts resulted in more than 37,000 arrests.", "order": 0}
    )  # fmt: skip
    assert not form.is_valid()
    assert "does not occur in the quote" in str(form.errors["figure"])
    form = FactForm(data={"figure": "1", "label": "x", "source": source.pk, "quote": "1 made up"})
    assert not form.is_valid()
    assert form.errors["quote"][0].startswith('Does not occur in source "000"')


def test_admin_lists_the_program_tree_in_order(staff):
    html = staff.get("/admin/programs/program/?o=1").content.decode()
    assert "— — Criminal Apprehension Program (CAP)" in html
    assert html.index("Criminal Apprehension Division") < html.index("— — — Rapid Removal")
    assert ProgramAdmin.search_fields


def test_every_content_model_has_an_admin(staff):
    for path in ("program", "source", "glossaryterm", "question", "page", "revision"):
        assert staff.get(f"/admin/programs/{path}/").status_code == 200


# --- Files and admin together --------------------------------------------------------------
def edit_in_admin(staff, slug: str, summary: str) -> Program:
    program = Program.objects.get(slug=slug)
    response = staff.post(change_url(program), admin_post_data(program, summary=summary))
    assert response.status_code == 302
    return program


def test_load_refuses_to_overwrite_admin_edits_and_names_them(staff, content_copy, capsys):
    edit_in_admin(staff, "rapid-repat", "Edited in the admin.")
    path = content_copy / "programs" / "rapid-repat.md"
    path.write_text(path.read_text().replace("summary: ", "summary: Edited in the file. ", 1))
    with pytest.raises(CommandError, match="export_content"):
        call_command("load_content", content_dir=str(content_copy))
    assert "program:rapid-repat: changed in the admin" in capsys.readouterr().err
    assert Program.objects.get(slug="rapid-repat").summary == "Edited in the admin."


def test_discard_admin_edits_overwrites_them(staff, content_copy):
    edit_in_admin(staff, "rapid-repat", "Edited in the admin.")
    call_command("load_content", content_dir=str(content_copy), discard_admin_edits=True)
    program = Program.objects.get(slug="rapid-repat")
    assert program.summary != "Edited in the admin." and not program.edited_in_admin


def test_export_writes_admin_edits_then_load_changes_nothing(staff, content_copy, capsys):
    edit_in_admin(staff, "rapid-repat", "Edited in the admin.")
    call_command("export_content", content_dir=str(content_copy))
    assert "summary: Edited in the admin." in (content_copy / "programs/rapid-repat.md").read_text()
    capsys.readouterr()
    call_command("load_content", content_dir=str(content_copy))
    assert "0 created, 0 updated" in capsys.readouterr().out
    assert Program.objects.get(slug="rapid-repat").summary == "Edited in the admin."


def test_exported_admin_file_reads_back_as_the_same_record(staff, content_copy):
    edit_in_admin(staff, "national-fugitive-operations-program", "Edited.")
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
    path.write_text(path.read_text().replace("summary: ", "summary: Newer. ", 1))
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
    path.write_text(re.sub(r"(?m)^reviewed: .*$", "reviewed: someday", path.read_text(), count=1))
    before = Program.objects.get(slug="rapid-repat").content_hash
    with pytest.raises(CommandError):
        call_command("check_content", content_dir=str(content_copy))
    assert re.search(
        r"rapid-repat\.md:\d+: reviewed: 'someday' is not a date", capsys.readouterr().err
    )
    assert Program.objects.get(slug="rapid-repat").content_hash == before


def test_check_content_warns_about_numbers_unused_terms_and_old_reviews(content_copy, capsys):
    path = content_copy / "programs" / "rapid-repat.md"
    text = re.sub(r"(?m)^reviewed: .*$", "reviewed: 2024-01-02", path.read_text(), count=1)
    path.write_text(text + "\nIt handled 98,765 cases.\n")
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
        path.write_text(path.read_text().replace("summary: ", "summary: Live. ", 1))
        assert wait_until(lambda: summary_in(database, "rapid-repat").startswith("Live. "), 2.0)
        # A bad edit: the errors are written for pages to show; the last good content stays.
        path.write_text(re.sub(r"(?m)^reviewed: .*$", "reviewed: x", path.read_text(), count=1))
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


def test_export_refuses_to_overwrite_a_file_edited_since_the_load(staff, content_copy, capsys):
    edit_in_admin(staff, "rapid-repat", "Edited in the admin.")
    path = content_copy / "programs" / "rapid-repat.md"
    path.write_text(path.read_text().replace("summary: ", "summary: Edited on disk. ", 1))
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("export_content", content_dir=str(content_copy))
    assert "programs/rapid-repat.md: changed on disk since the last load" in capsys.readouterr().err
    assert "Edited on disk." in path.read_text()
    call_command("export_content", content_dir=str(content_copy), overwrite_file_edits=True)
    assert "summary: Edited in the admin." in path.read_text()
