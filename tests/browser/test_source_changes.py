"""The public record of a source's changes, with a real second capture: axe-clean (WCAG 2.2 AA)
and readable on a phone, in both languages; pinned facts say when the page said them."""

import datetime
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from programs.content import ContentErrors, read_content
from programs.sync import sync_content

from ..conftest import CONTENT_DIR
from ..test_source_captures import NEW, changed_capture, pin
from .conftest import axe_violations, visit
from .test_layout import layout_problems

PAGES = [
    "/sources/ero-page/changes/",
    "/es/sources/ero-page/changes/",
    "/sources/ero-page/",
    "/es/sources/ero-page/",
    "/programs/fugitive-operations-teams/",
    "/es/programs/fugitive-operations-teams/",
    "/glossary/fugitive-operations-teams/",
]


@pytest.fixture(scope="module")
def two_captures(tmp_path_factory):
    """The real content and a changed capture of the ERO page, every quote it breaks pinned to
    the first capture, as an editor would leave it."""
    content = tmp_path_factory.mktemp("changes") / "content"
    shutil.copytree(CONTENT_DIR, content)
    page = content.parent / "ero.txt"
    page.write_text(changed_capture(), encoding="utf-8")
    call_command(
        "import_source",
        "ero-page",
        str(page),
        captured=datetime.date.fromisoformat(NEW),
        content_dir=str(content),
    )
    try:
        read_content(content)
    except ContentErrors as refused:
        for error in sorted(refused.errors, key=lambda e: -e.line):
            pin(Path(error.path), error.line)
    return read_content(content)


@pytest.fixture
def changed_site(page, two_captures):
    sync_content(two_captures)
    return page


def test_changes_pages_are_axe_clean_on_a_phone_and_a_desktop(changed_site, axe_source):
    problems = []
    for path in PAGES:
        visit(changed_site, path)
        assert changed_site.locator("body").inner_text()  # the page rendered
        for width in (375, 1280):
            changed_site.set_viewport_size({"width": width, "height": 800})
            problems += [
                f"{path} at {width}px: {v}" for v in axe_violations(changed_site, axe_source)
            ]
    assert problems == []


@pytest.mark.parametrize("width", (320, 375))
def test_changes_pages_hold_their_layout_on_a_phone(changed_site, width):
    changed_site.set_viewport_size({"width": width, "height": 740})
    problems = []
    for path in PAGES:
        visit(changed_site, path)
        problems += [f"{path}: {p}" for p in layout_problems(changed_site)]
        overflow = changed_site.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{path} scrolls sideways by {overflow}px")
    assert not problems, "\n".join(problems)


def test_the_diff_reads_without_colour(changed_site):
    visit(changed_site, "/sources/ero-page/changes/")
    deleted = changed_site.locator(".word-diff del").first
    inserted = changed_site.locator(".word-diff ins").first
    assert deleted.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    assert inserted.evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
    assert "Removed:" in deleted.text_content() and "Added:" in inserted.text_content()
