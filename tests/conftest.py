"""Shared fixtures: the real content loaded once per session, the lists of pages every suite
visits, a staff client, a helper that edits a content file, and the static export with a server
for it (built once per session: it renders every page)."""

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from programs import i18n, search, site_search
from programs.content import read_content
from programs.sync import sync_content

CONTENT_DIR = Path(settings.BASE_DIR) / "content"
SITE_URL = "https://ero.example.org"

# One page of each type, by name: suites that check every page type use this list.
PAGE_TYPES = {
    "home": "/",
    "program list": "/programs/",
    "program": "/programs/national-fugitive-operations-program/",
    "glossary": "/glossary/",
    "glossary term": "/glossary/fugitive-alien/",
    "faq": "/faq/",
    "sources": "/sources/",
    "source": "/sources/ero-page/",
    "resources": "/resources/",
    "about": "/about/",
}
# The pages reached from the main navigation.
SITE_PAGES = ["/", "/programs/", "/glossary/", "/faq/", "/sources/", "/resources/", "/about/"]


def program_slugs() -> list[str]:
    return sorted(p.stem for p in (CONTENT_DIR / "programs").glob("*.md"))


@pytest.fixture(autouse=True)
def _plain_settings(settings):
    # Tests run without collected static files and over plain HTTP; production storage and
    # HTTPS redirects have their own tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    # Not the test client's host, so that every absolute URL a test checks shows it comes from
    # the setting and not from the request.
    settings.SITE_URL = SITE_URL
    # Each test's database changes are rolled back, and with them the content version, so no
    # page or search index may outlive a test. Caching has its own tests.
    settings.PAGE_CACHE = False
    search._glossary_index.cache_clear()
    site_search._site_index.cache_clear()
    i18n._overlay.cache_clear()  # the Spanish text records take, per content version


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real content once; each test's changes are rolled back around it."""
    with django_db_blocker.unblock():
        sync_content(read_content(CONTENT_DIR))


def pytest_configure(config):
    # Passwords are hashed with the production hasher's hundreds of thousands of rounds, a
    # second per user on this machine; tests log users in but never test the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in as an editor who may change everything in the admin."""
    user = django_user_model.objects.create_user(
        "editor", password="pw-for-tests-only", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the real content, for tests that break or change files."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    """Edit a content file: the first `old` becomes `new`. A missing `old` fails the test, so
    an edit that would change nothing cannot pass unnoticed."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def replace_field(path: Path, name: str, value: str) -> None:
    """Edit a content file: the front-matter line `name: ...` becomes `name: value`. Fails the
    test when the file has no such line."""
    text = path.read_text(encoding="utf-8")
    edited, count = re.subn(rf"(?m)^{re.escape(name)}: .*$", f"{name}: {value}", text, count=1)
    assert count == 1, f"test setup: no '{name}:' line in {path.name}"
    path.write_text(edited, encoding="utf-8")


# --- The static export ------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StaticServer:
    """`python -m http.server` over a folder, on a free loopback port."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "http.server", str(self.port), "--bind", "127.0.0.1"]
        self.process = subprocess.Popen(
            [*command, "--directory", str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(self.url + "/", timeout=1)
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("static server did not start") from None
                time.sleep(0.05)  # polling for the port to open, not waiting for a result

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=5)


@pytest.fixture(scope="session")
def static_export(tmp_path_factory, django_db_setup, django_db_blocker) -> Path:
    """The whole site built by `build_site` from the real content, once per session: tests
    that read it must not change it."""
    folder = tmp_path_factory.mktemp("export") / "site"
    with django_db_blocker.unblock():
        # A browser test before this one may have emptied the database (live-server tests
        # are not rolled back); loading is a no-op when the content is already there.
        sync_content(read_content(CONTENT_DIR))
        call_command("build_site", output=str(folder), base_url=SITE_URL)
    return folder


@pytest.fixture(scope="session")
def static_server(static_export):
    server = StaticServer(static_export)
    yield server
    server.stop()
