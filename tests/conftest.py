"""Shared fixtures: the real content loaded once per session, and small content factories."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings

from programs import search, site_search
from programs.content import read_content
from programs.sync import sync_content

CONTENT_DIR = Path(settings.BASE_DIR) / "content"
SITE_URL = "https://ero.example.org"


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real content once; each test's changes are rolled back around it."""
    with django_db_blocker.unblock():
        sync_content(read_content(CONTENT_DIR))


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the real content, for tests that break or change files."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def program_slugs() -> list[str]:
    return sorted(p.stem for p in (CONTENT_DIR / "programs").glob("*.md"))
