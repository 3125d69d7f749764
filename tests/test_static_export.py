"""build_site: the whole site as files that any static server serves with every link working."""

import json
import re
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from programs import static_site
from programs.models import GlossaryTerm, Program

from .conftest import SITE_URL

pytestmark = pytest.mark.django_db


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
    ):
        assert (static_export / name).is_file(), name


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
    (previous / "index.html").write_text("the previous export")

    def fail(root):
        raise static_site.BuildFailed("pagefind failed: simulated")

    # The build gets as far as its last step, on one page to keep it quick, then fails.
    monkeypatch.setattr(static_site, "public_paths", lambda: ["/"])
    monkeypatch.setattr(static_site, "_index_for_search", fail)
    with pytest.raises(CommandError, match="previous export, if any, is unchanged"):
        call_command("build_site", output=str(previous), base_url=SITE_URL)
    assert [p.name for p in previous.iterdir()] == ["index.html"]
    assert (previous / "index.html").read_text() == "the previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no scratch folder left behind
