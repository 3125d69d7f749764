"""Every page type's HTML is valid: the Nu HTML Checker (vnu-jar from npm, on Java)."""

import json
import os
import shutil
import subprocess

import pytest
from django.conf import settings

from .conftest import PAGE_TYPES

pytestmark = pytest.mark.django_db

VNU = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES = {
    **PAGE_TYPES,
    "search": "/search/?q=FOT",
    "search, no results": "/search/?q=zzqqx",
    "glossary search": "/glossary/?q=287g",
    "program history": "/programs/rapid-repat/history/",
    "not found": "/no-such-page/",
    # The same page types in Spanish.
    **{f"{name} es": "/es" + path for name, path in PAGE_TYPES.items()},
    "search es": "/es/search/?q=fianza",
    "glossary search es": "/es/glossary/?q=fianza",
    "glossary search, Spanish name on an English page": "/glossary/?q=fianza",
    "program history es": "/es/programs/rapid-repat/history/",
    "not found es": "/es/no-such-page/",
}


@pytest.fixture(scope="module")
def java():
    found = shutil.which("java")
    if not found:
        message = "Java not found: install a JRE (apt-get install default-jre-headless)."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " The HTML validity test is required in CI.")
        pytest.skip(message)
    return found


def test_every_page_type_is_valid_html(client, java, tmp_path):
    files = []
    for name, path in PAGES.items():
        response = client.get(path)
        assert response.status_code in (200, 404), path
        target = tmp_path / (name.replace(" ", "-").replace(",", "") + ".html")
        target.write_bytes(response.content)
        files.append(str(target))
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == []
