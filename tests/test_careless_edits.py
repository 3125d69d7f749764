"""Careless editors: a typo in a folder name, a renamed file, a BOM, an unloaded edit to a
capture. Each is reported and loses nothing."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from programs.content import CONTENT_FOLDERS, read_content
from programs.content_files import ContentErrors
from programs.management.commands.watch_content import Command as WatchCommand
from programs.models import GlossaryTerm, Program, Source
from programs.sync import MassDeleteRefused, sync_content

from .conftest import CONTENT_DIR
from .test_loader import snapshot

pytestmark = pytest.mark.django_db


# --- 6. A typo empties the site ---------------------------------------------------------------
def test_a_missing_content_folder_is_an_error(tmp_path, capsys):
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content", content_dir=str(tmp_path / "contnet"))
    assert "contnet: content folder: does not exist" in capsys.readouterr().err
    assert snapshot() == before


def test_a_missing_content_dir_setting_is_an_error(tmp_path, settings, capsys):
    settings.CONTENT_DIR = tmp_path / "typo"
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content")
    assert "typo: content folder: does not exist" in capsys.readouterr().err
    assert snapshot() == before


def test_a_missing_kind_folder_is_an_error(content_copy):
    (content_copy / "faq").rename(content_copy / "faqs")
    with pytest.raises(ContentErrors, match="faq: folder: is missing"):
        read_content(content_copy)


def empty_content(tmp_path):
    folder = tmp_path / "empty"
    for name in CONTENT_FOLDERS:
        (folder / name).mkdir(parents=True)
    return folder


def test_a_load_that_deletes_everything_is_refused_unless_allowed(tmp_path):
    folder = empty_content(tmp_path)
    before = snapshot()
    programs = Program.objects.count()
    with pytest.raises(CommandError, match=f"would delete .*{programs} of {programs} programs"):
        call_command("load_content", content_dir=str(folder))
    assert snapshot() == before
    call_command("load_content", content_dir=str(folder), allow_mass_delete=True)
    assert not Program.objects.exists() and not Source.objects.exists()


def test_deleting_more_than_half_of_one_kind_is_refused():
    content = read_content(CONTENT_DIR)
    terms = sorted(content.glossary)
    kept = terms[: len(terms) // 2 - 1]
    content.glossary = {slug: content.glossary[slug] for slug in kept}
    before = snapshot()
    with pytest.raises(
        MassDeleteRefused, match=f"{len(terms) - len(kept)} of {len(terms)} glossary"
    ):
        sync_content(content)
    assert snapshot() == before


def test_deleting_a_few_records_is_not_a_mass_delete():
    content = read_content(CONTENT_DIR)
    content.faq.pop(sorted(content.faq)[0])
    assert sync_content(content).counts["deleted"] == 1


def test_the_watcher_refuses_a_mass_delete(tmp_path, settings):
    settings.CONTENT_DIR = empty_content(tmp_path)
    settings.CONTENT_ERRORS_FILE = tmp_path / "errors.txt"
    WatchCommand().reload()
    assert "would delete" in settings.CONTENT_ERRORS_FILE.read_text()
    assert GlossaryTerm.objects.exists()


# --- 10. Renamed files, BOMs, unloaded capture edits, editors' comments ------------------------
def test_a_file_renamed_to_upper_case_md_is_reported_and_its_record_kept(content_copy, capsys):
    path = content_copy / "programs" / "rapid-repat.md"
    path.rename(path.with_suffix(".MD"))
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content", content_dir=str(content_copy))
    err = capsys.readouterr().err
    assert "programs/rapid-repat.MD: file name: ends in '.MD'" in err
    assert snapshot() == before


def test_a_byte_order_mark_gets_a_clear_message(content_copy):
    path = content_copy / "programs" / "rapid-repat.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with pytest.raises(ContentErrors) as exc:
        read_content(content_copy)
    messages = [str(e) for e in exc.value.errors]
    assert any(
        "programs/rapid-repat.md:1: file: starts with a byte order mark (BOM)" in m
        for m in messages
    ), messages
    assert not any("front matter" in m for m in messages)  # the old, misleading message


def test_export_refuses_to_overwrite_an_unloaded_capture_edit(content_copy, capsys):
    capture = content_copy / "sources" / "fugitive-operations-page.txt"
    capture.write_text(capture.read_text() + "\nA paragraph added on disk.\n")
    Source.objects.filter(slug="fugitive-operations-page").update(
        text="Edited in the admin.", edited_in_admin=True
    )
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("export_content", content_dir=str(content_copy))
    err = capsys.readouterr().err
    assert "sources/fugitive-operations-page.txt: changed on disk since the last load" in err
    assert "A paragraph added on disk." in capture.read_text()
    call_command("export_content", content_dir=str(content_copy), overwrite_file_edits=True)
    assert capture.read_text() == "Edited in the admin."


def test_an_unchanged_capture_is_exported_over_without_complaint(content_copy):
    Source.objects.filter(slug="fugitive-operations-page").update(
        text="Edited in the admin.", edited_in_admin=True
    )
    call_command("export_content", content_dir=str(content_copy))
    capture = content_copy / "sources" / "fugitive-operations-page.txt"
    assert capture.read_text() == "Edited in the admin."


NOTE = "EDITORS-ONLY-NOTE-x7q"


@pytest.fixture
def commented(content_copy):
    """rapid-repat with an editor's note in its body, loaded."""
    path = content_copy / "programs" / "rapid-repat.md"
    text = path.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    path.write_text(f"{front}\n---\n<!-- {NOTE}: check with legal -->\n{body}", encoding="utf-8")
    call_command("load_content", content_dir=str(content_copy))
    return path


def test_html_comments_are_kept_in_the_file_but_never_published(commented, client):
    program = Program.objects.get(slug="rapid-repat")
    assert NOTE in program.body and NOTE in program.file_text  # the editors' copy keeps it
    for url in (
        "/programs/rapid-repat/",
        "/programs/rapid-repat/history/",
        "/data/programs.json",
        "/data/programs.csv",
        "/search/?q=legal",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert NOTE not in response.content.decode(), url


def test_a_comment_on_its_own_line_leaves_the_paragraphs_as_they_were():
    from programs.markdown import render

    assert render("One\n<!-- note -->\ntwo").html == render("One\ntwo").html == "<p>One\ntwo</p>"
    assert render("A <!-- x --> b").html == "<p>A  b</p>"


def test_export_keeps_editors_comments_in_the_file(commented, content_copy):
    call_command("export_content", content_dir=str(content_copy))
    assert NOTE in commented.read_text(encoding="utf-8")
