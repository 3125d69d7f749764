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
