"""Time of the work a new capture brings (issue 11), on the real content in a scratch copy:
the HTML page turned into text, `import_source` (text, checks, file, report), `source_changes`,
the load after the quotes are pinned, and the changes page served (its diff is computed per
request; the page cache keeps it afterwards, so this is the uncached cost).

    .venv/bin/python bench/captures.py
"""

import datetime
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.mkdtemp(prefix="captures-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iceinfo.settings")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
# Development settings: pages are rendered with the stylesheet from its sources, uncollected.
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from programs.content import ContentErrors, read_content  # noqa: E402
from programs.page_text import page_text  # noqa: E402
from tests.test_source_captures import as_saved_html, changed_capture, pin  # noqa: E402

RUNS = 5


def timed(label: str, action, runs: int = RUNS) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<52} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms")


def main() -> None:
    content = SCRATCH / "content"
    shutil.copytree(ROOT / "content", content)
    call_command("migrate", verbosity=0)
    call_command("load_content", content_dir=str(content), stdout=io.StringIO())
    html = as_saved_html(changed_capture()).encode()
    timed(f"HTML page ({len(html):,} bytes) -> text (inscriptis)", lambda: page_text(html))
    page = SCRATCH / "ero.html"
    page.write_bytes(html)
    day = iter(range(1, 100))

    def import_once(keep: bool = False):
        captured = datetime.date(2026, 6, next(day))
        call_command(
            "import_source", "ero-page", str(page), captured=captured,
            content_dir=str(content), stdout=io.StringIO(),
        )  # fmt: skip
        if not keep:  # so that each run compares with the first capture, as the first did
            (content / "sources" / f"ero-page.{captured.isoformat()}.txt").unlink()

    timed("import_source (text, checks, file, report)", import_once)
    import_once(keep=True)
    timed(
        "source_changes ero-page (report from the files)",
        lambda: call_command(
            "source_changes", "ero-page", content_dir=str(content), stdout=io.StringIO()
        ),
    )
    try:
        read_content(content)
    except ContentErrors as refused:
        for error in sorted(refused.errors, key=lambda e: -e.line):
            pin(Path(error.path), error.line)
    timed(
        "load_content with two captures of the ERO page",
        lambda: call_command("load_content", content_dir=str(content), stdout=io.StringIO()),
        runs=1,
    )
    client = Client()
    with override_settings(PAGE_CACHE=False):
        for path in ("/sources/ero-page/changes/", "/sources/ero-page/", "/data/sources.json"):
            timed(f"GET {path} (uncached)", lambda path=path: client.get(path))


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
