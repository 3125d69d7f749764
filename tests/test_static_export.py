"""build_site: the whole site as files that any static server serves with every link working."""

import json
import os
import re
import stat
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from programs import static_site
from programs.models import GlossaryTerm, Program, Source

from .conftest import SITE_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_export(tmp_path, monkeypatch):
    """A build of the home page alone (quick), under the strictest umask, as a deploy user's
    shell may have. `public_paths` stays patched for the test, so a rebuild is quick too."""
    monkeypatch.setattr(static_site, "public_paths", lambda: ["/"])
    folder = tmp_path / "site"
    previous = os.umask(0o077)
    try:
        call_command("build_site", output=str(folder), base_url=SITE_URL)
    finally:
        os.umask(previous)
    return folder


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "src"} and value:
                self.found.append(value)


def test_export_has_every_public_page(static_export):
    for program in Program.objects.all():
        assert (static_export / "programs" / program.slug / "index.html").is_file()
        assert (static_export / "programs" / program.slug / "history" / "index.html").is_file()
    for term in GlossaryTerm.objects.all():
        assert (static_export / "glossary" / term.slug / "index.html").is_file()
        assert (static_export / "es" / "glossary" / term.slug / "index.html").is_file()
    for name in ("es/index.html", "es/faq/index.html", "es/search/index.html"):
        assert (static_export / name).is_file(), name
    # One Pagefind index per language, from each page's <html lang>.
    entry = json.loads((static_export / "pagefind" / "pagefind-entry.json").read_text())
    assert set(entry["languages"]) == {"en", "es"}
    assert entry["languages"]["es"]["page_count"] > 250
    for name in (
        *("index.html", "faq/index.html", "sources/index.html", "about/index.html"),
        *("resources/index.html", "404.html", "sitemap.xml", "robots.txt"),
        *("data/programs.json", "data/glossary.csv", "pagefind/pagefind.js"),
        *("data/sources.json", "data/sources.csv"),
    ):
        assert (static_export / name).is_file(), name
    # Each source's record of changes, in both languages.
    for source in Source.objects.all():
        for prefix in ("", "es/"):
            assert (static_export / f"{prefix}sources/{source.slug}/changes/index.html").is_file()


def test_served_folder_has_no_broken_links(static_server):
    own_host = f"127.0.0.1:{static_server.port}"
    seen, queue, broken = set(), ["/"], []
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        try:
            with urllib.request.urlopen(static_server.url + path, timeout=5) as response:
                body = response.read()
                kind = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            broken.append(f"{path}: {exc.code}")
            continue
        if "html" not in kind:
            continue
        parser = Links()
        parser.feed(body.decode("utf-8"))
        for link in parser.found:
            target = urlsplit(urljoin(static_server.url + path, link))
            if target.netloc == own_host:
                queue.append(target.path or "/")
    assert broken == []
    # Every program, term and source page was reached, in both languages (the language link
    # of each English page leads to its Spanish twin).
    spanish = {p for p in seen if p.startswith("/es/")}
    assert len(seen) - len(spanish) > 250 and len(spanish) > 250
    assert {f"/es/programs/{p.slug}/" for p in Program.objects.all()} <= spanish


def normalise_static(html: str) -> str:
    return re.sub(r"/static/(\S+?)(\.[0-9a-f]{12})?\.(css|js|svg)", r"/static/\1.\3", html)


def test_exported_pages_match_the_served_ones(static_export, client):
    for path in ("/", "/programs/rapid-repat/", "/glossary/fugitive-alien/", "/faq/"):
        exported = (static_export / path.lstrip("/") / "index.html").read_text()
        served = client.get(path).content.decode()
        assert normalise_static(exported) == normalise_static(served), path


def test_failed_build_leaves_the_previous_export(tmp_path, monkeypatch):
    previous = tmp_path / "site"
    previous.mkdir()
    (previous / static_site.EXPORT_MARKER).write_text("made by build_site")
    (previous / "index.html").write_text("the previous export")

    def fail(root):
        raise static_site.BuildFailed("pagefind failed: simulated")

    # The build gets as far as its last step, on one page to keep it quick, then fails.
    monkeypatch.setattr(static_site, "public_paths", lambda: ["/"])
    monkeypatch.setattr(static_site, "_index_for_search", fail)
    with pytest.raises(CommandError, match="previous export, if any, is unchanged"):
        call_command("build_site", output=str(previous), base_url=SITE_URL)
    assert sorted(p.name for p in previous.iterdir()) == [static_site.EXPORT_MARKER, "index.html"]
    assert (previous / "index.html").read_text() == "the previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no scratch folder left behind


def test_export_is_readable_by_a_web_server_running_as_another_user(small_export):
    assert stat.S_IMODE(small_export.stat().st_mode) == 0o755
    for path in small_export.rglob("*"):
        expected = 0o755 if path.is_dir() else 0o644
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_a_rebuild_replaces_its_own_export(small_export):
    (small_export / "stale.html").write_text("from an earlier build")
    call_command("build_site", output=str(small_export), base_url=SITE_URL)
    assert (small_export / static_site.EXPORT_MARKER).is_file()
    assert not (small_export / "stale.html").exists()


def refused(output) -> str:
    with pytest.raises(CommandError, match="previous export, if any, is unchanged") as exc:
        call_command("build_site", output=str(output), base_url=SITE_URL)
    return str(exc.value)


def test_build_refuses_the_project_its_parents_and_the_root():
    project = settings.BASE_DIR.resolve()
    before = sorted(p.name for p in project.iterdir())
    for output in (project, project.parent, "/"):
        assert "contains the project folder" in refused(output)
    assert sorted(p.name for p in project.iterdir()) == before
    assert (project / "manage.py").is_file()


def test_build_refuses_the_content_folder(settings, tmp_path):
    settings.CONTENT_DIR = tmp_path / "content"
    settings.CONTENT_DIR.mkdir()
    assert "contains the content folder" in refused(tmp_path)


def test_build_refuses_a_folder_it_did_not_make(tmp_path):
    folder = tmp_path / "mine"
    (folder / ".git").mkdir(parents=True)
    (folder / "notes.txt").write_text("keep me")
    assert "was not made by build_site" in refused(folder)
    assert (folder / "notes.txt").read_text() == "keep me" and (folder / ".git").is_dir()
    (tmp_path / "a-file").write_text("keep me")
    assert "is not a folder" in refused(tmp_path / "a-file")


def test_an_empty_or_new_folder_is_accepted(tmp_path):
    static_site.check_output_folder(tmp_path / "new")
    (tmp_path / "empty").mkdir()
    static_site.check_output_folder(tmp_path / "empty")
