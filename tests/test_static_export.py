"""build_site: the whole site as files that any static server serves with every link working."""

import re
import socket
import subprocess
import sys
import time
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StaticServer:
    """`python -m http.server` over a folder, on a free loopback port."""

    def __init__(self, folder):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(self.port), "--bind", "127.0.0.1",
             "--directory", str(folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/", timeout=1)
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("static server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=5)


@pytest.fixture
def export(tmp_path):
    folder = tmp_path / "site"
    call_command("build_site", output=str(folder), base_url=SITE_URL)
    return folder


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "src"} and value:
                self.found.append(value)


def test_export_has_every_public_page(export):
    for program in Program.objects.all():
        assert (export / "programs" / program.slug / "index.html").is_file()
        assert (export / "programs" / program.slug / "history" / "index.html").is_file()
    for term in GlossaryTerm.objects.all():
        assert (export / "glossary" / term.slug / "index.html").is_file()
    for name in ("index.html", "faq/index.html", "sources/index.html", "about/index.html",
                 "resources/index.html", "404.html", "sitemap.xml", "robots.txt",
                 "data/programs.json", "data/glossary.csv", "pagefind/pagefind.js"):  # fmt: skip
        assert (export / name).is_file(), name


def test_served_folder_has_no_broken_links(export):
    server = StaticServer(export)
    try:
        seen, queue, broken = set(), ["/"], []
        while queue:
            path = queue.pop()
            if path in seen:
                continue
            seen.add(path)
            try:
                with urllib.request.urlopen(server.url + path, timeout=5) as response:
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
                target = urlsplit(urljoin(server.url + path, link))
                if target.netloc == f"127.0.0.1:{server.port}" or link.startswith("/"):
                    if target.netloc and target.netloc != f"127.0.0.1:{server.port}":
                        continue
                    queue.append(target.path or "/")
        assert broken == []
        assert len(seen) > 250  # every program, term and source page was reached
    finally:
        server.stop()


def normalise_static(html: str) -> str:
    return re.sub(r"/static/(\S+?)(\.[0-9a-f]{12})?\.(css|js|svg)", r"/static/\1.\3", html)


def test_exported_pages_match_the_served_ones(export, client):
    for path in ("/", "/programs/rapid-repat/", "/glossary/fugitive-alien/", "/faq/"):
        exported = (export / path.lstrip("/") / "index.html").read_text()
        served = client.get(path).content.decode()
        assert normalise_static(exported) == normalise_static(served), path


def test_failed_build_leaves_the_previous_export(export, monkeypatch):
    marker = export / "index.html"
    before = marker.read_bytes()

    def fail(root):
        raise static_site.BuildFailed("pagefind failed: simulated")

    monkeypatch.setattr(static_site, "_index_for_search", fail)
    with pytest.raises(CommandError, match="previous export, if any, is unchanged"):
        call_command("build_site", output=str(export), base_url=SITE_URL)
    assert marker.read_bytes() == before
    assert not list(export.parent.glob(".site-building-*"))
