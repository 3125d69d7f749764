"""Nothing escapes content/: no path from the database or a file names a file outside it, and
the loader reads only regular files there (no links, FIFOs or devices), writing nothing else."""

import os
import signal
import socket
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from programs.content import read_content
from programs.content_files import ContentErrors
from programs.export import UnsafePaths, export_content
from programs.management.commands.watch_content import Command as WatchCommand
from programs.models import Program, Source

from .test_editing import edit_in_admin
from .test_loader import snapshot

pytestmark = pytest.mark.django_db

SOURCE = "fugitive-operations-page"
PROGRAM = "rapid-repat"


def files_of(folder: Path) -> dict[str, bytes]:
    """Every regular file under `folder` and its bytes, to prove that nothing was written."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def within(seconds: float, function, *args, **kwargs):
    """Run `function`, failing (not hanging the test run) if it takes longer than `seconds`.

    A timer signal interrupts it, even when blocked in a system call (opening a FIFO), so the
    call stays in the test's own thread, with its database connection.
    """

    def expire(signum, frame):
        raise TimeoutError(f"{function.__name__} still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def content_errors(directory: Path) -> list[str]:
    with pytest.raises(ContentErrors) as exc:
        within(10, read_content, directory)
    return [str(e) for e in exc.value.errors]


# --- 1. Paths from the database: export writes only plain files inside content/ -------------
@pytest.mark.parametrize(
    "name",
    ["../../escaped/.git/hooks/pre-commit", "{tmp}/absolute.txt", "../programs/x.txt", "a/b.txt"],
)
def test_export_refuses_a_capture_file_outside_the_content_folder(
    name, content_copy, tmp_path, capsys
):
    name = name.format(tmp=tmp_path)
    Source.objects.filter(slug=SOURCE).update(
        capture_file=name, text="#!/bin/sh\necho owned\n", edited_in_admin=True
    )
    before = files_of(tmp_path)
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("export_content", content_dir=str(content_copy))
    assert f"source:{SOURCE}): is not a plain file name" in capsys.readouterr().err
    assert files_of(tmp_path) == before
    assert not (tmp_path / "escaped").exists()


def test_export_refuses_a_slug_that_is_not_a_file_name(content_copy, tmp_path):
    Program.objects.filter(slug=PROGRAM).update(slug="../../escaped")
    before = files_of(tmp_path)
    with pytest.raises(UnsafePaths, match=r"program:\.\./\.\./escaped"):
        export_content(content_copy)
    assert files_of(tmp_path) == before


def test_export_does_not_write_through_a_link_in_the_content_folder(
    staff_client,
    content_copy,
    tmp_path,
):
    outside = tmp_path / "outside.txt"
    outside.write_text("not content")
    target = content_copy / "programs" / f"{PROGRAM}.md"
    target.unlink()
    target.symlink_to(outside)
    edit_in_admin(staff_client, PROGRAM, "Edited in the admin.")
    with pytest.raises(UnsafePaths, match=f"programs/{PROGRAM}.md .*: is a symbolic link"):
        export_content(content_copy)
    assert outside.read_text() == "not content"


def source_form(source: Source, **changes) -> dict:
    data = {
        "source_id": source.source_id,
        "title": source.title,
        "short_name": source.short_name,
        "kind": source.kind,
        "date_line": source.date_line,
        "date": source.date.isoformat() if source.date else "",
        "latest_year": source.latest_year,
        "text": source.text,
        "body": source.body,
        "reviewed": source.reviewed.isoformat(),
    }
    return data | changes


def test_capture_file_name_is_not_editable_in_the_admin(staff_client):
    source = Source.objects.get(slug=SOURCE)
    url = f"/admin/programs/source/{source.pk}/change/"
    assert 'name="capture_file"' not in staff_client.get(url).content.decode()
    response = staff_client.post(
        url, source_form(source, capture_file="../../evil.txt", title="New")
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.title == "New" and source.capture_file == f"{SOURCE}.txt"


def test_a_source_added_in_the_admin_gets_its_capture_beside_it(staff_client):
    data = source_form(Source.objects.get(slug=SOURCE), slug="new-page", source_id="009")
    response = staff_client.post("/admin/programs/source/add/", data | {"capture_file": "/etc/x"})
    assert response.status_code == 302
    assert Source.objects.get(slug="new-page").capture_file == "new-page.txt"


@pytest.mark.parametrize(
    "capture", ["../programs/rapid-repat.md", "/etc/passwd", "sub/page.txt", ".hidden.txt"]
)
def test_loader_refuses_a_capture_that_is_not_a_plain_file_name(capture, content_copy):
    path = content_copy / "sources" / f"{SOURCE}.md"
    path.write_text(path.read_text().replace(f"capture: {SOURCE}.txt", f"capture: {capture}"))
    errors = content_errors(content_copy)
    assert any(
        f"sources/{SOURCE}.md:" in e and "capture: must be the name of a .txt file" in e
        for e in errors
    ), errors


# --- 2. Only regular files inside content/ are read ------------------------------------------
def replace_with_link(path: Path, target: str) -> None:
    path.unlink()
    path.symlink_to(target)


def test_capture_linked_to_the_environment_is_refused_and_nothing_published(
    content_copy, monkeypatch, capsys
):
    monkeypatch.setenv("CONFINEMENT_TEST_SECRET", "s3cr3t-value")
    capture = content_copy / "sources" / f"{SOURCE}.txt"
    replace_with_link(capture, "/proc/self/environ")
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was written"):
        within(10, call_command, "load_content", content_dir=str(content_copy))
    err = capsys.readouterr().err
    assert f"sources/{SOURCE}.txt: file: is a symbolic link" in err
    assert snapshot() == before
    assert not Source.objects.filter(text__contains="s3cr3t-value").exists()


def test_document_linked_to_a_file_outside_content_is_refused(content_copy, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_bytes((content_copy / "programs" / f"{PROGRAM}.md").read_bytes())
    replace_with_link(content_copy / "programs" / f"{PROGRAM}.md", str(outside))
    errors = content_errors(content_copy)
    assert any(f"programs/{PROGRAM}.md: file: is a symbolic link" in e for e in errors), errors


def test_links_to_devices_are_refused_without_reading(content_copy):
    replace_with_link(content_copy / "programs" / f"{PROGRAM}.md", "/dev/zero")
    replace_with_link(content_copy / "sources" / f"{SOURCE}.txt", "/dev/urandom")
    errors = content_errors(content_copy)
    assert any(f"{PROGRAM}.md: file: is a symbolic link" in e for e in errors), errors
    assert any(f"{SOURCE}.txt: file: is a symbolic link" in e for e in errors), errors


def make_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def test_fifos_are_refused_without_hanging(content_copy, capsys):
    make_fifo(content_copy / "programs" / f"{PROGRAM}.md")
    make_fifo(content_copy / "sources" / f"{SOURCE}.txt")
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was written"):
        within(10, call_command, "load_content", content_dir=str(content_copy))
    err = capsys.readouterr().err
    assert f"programs/{PROGRAM}.md: file: is a named pipe (FIFO), not a regular file" in err
    assert f"sources/{SOURCE}.txt: file: is a named pipe (FIFO)" in err
    assert snapshot() == before


def test_a_socket_is_refused(content_copy):
    path = content_copy / "programs" / f"{PROGRAM}.md"
    path.unlink()
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        errors = content_errors(content_copy)
    assert any(f"{PROGRAM}.md: file: is a socket" in e for e in errors), errors


def test_a_content_folder_that_is_a_link_elsewhere_is_refused(content_copy, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (content_copy / "glossary").rename(elsewhere)
    (content_copy / "glossary").symlink_to(elsewhere)
    errors = content_errors(content_copy)
    assert any("reached through a symbolic link" in e for e in errors), errors[:3]


def test_the_watcher_refuses_a_fifo_and_keeps_watching(content_copy, tmp_path, settings):
    settings.CONTENT_DIR = content_copy
    settings.CONTENT_ERRORS_FILE = tmp_path / "errors.txt"
    make_fifo(content_copy / "programs" / f"{PROGRAM}.md")
    before = snapshot()
    command = WatchCommand()
    within(10, command.reload)  # returns: refused, not hung and not raised
    assert "is a named pipe (FIFO)" in settings.CONTENT_ERRORS_FILE.read_text()
    assert snapshot() == before
