"""Screenshots of every page type at 320, 375, 768 and 1280 px, for people to look at.

Serves the site from a scratch SQLite database loaded from content/ (development settings, so
static files come straight from static/ and build/), then drives Debian's Chromium:

    .venv/bin/python bench/screenshots.py                # into build/screenshots/
    .venv/bin/python bench/screenshots.py /tmp/shots     # anywhere else
    PAGES=home,faq .venv/bin/python bench/screenshots.py # only some page types
    SITE_LANGUAGE=es .venv/bin/python bench/screenshots.py    # the Spanish pages, as es-<type>-...

Each page gives `<type>-<width>.png`, the first screen (740 px high on phones, 1024 on
tablets, 900 on desktops), then the rest of the page in slices of SLICE pixels,
`<type>-<width>-2.png` and on, up to MAX_SLICES in all: tall images shrink too far to read
when viewed whole. The folder is build output: never committed.
"""

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = tempfile.mkdtemp(prefix="screenshots-")
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}/screens.sqlite3"
os.environ["DJANGO_DEBUG"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iceinfo.settings")
import logging  # noqa: E402

logging.disable(logging.WARNING)  # the 404 example page would log "Not Found" each time

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.page_types import PAGE_TYPES  # noqa: E402

WIDTHS = {320: 740, 375: 740, 768: 1024, 1280: 900}  # width -> first-screen height
SLICE = 1200
MAX_SLICES = 6
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve() -> tuple[ThreadedWSGIServer, str]:
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def slices(page, stem: Path, width: int, top: int) -> list[Path]:
    """The page below the first screen, SLICE pixels at a time."""
    total = page.evaluate("document.documentElement.scrollHeight")
    written = []
    for number in range(2, MAX_SLICES + 1):
        if top >= total:
            break
        path = stem.with_name(f"{stem.name}-{number}.png")
        clip = {"x": 0, "y": top, "width": width, "height": min(SLICE, total - top)}
        page.screenshot(path=path, full_page=True, clip=clip)
        written.append(path)
        top += SLICE
    return written


def shoot(base_url: str, folder: Path, names: list[str], prefix: str) -> list[Path]:
    """prefix is "" for English or "es" for the same page types at /es/."""
    written = []
    stem_start = f"{prefix}-" if prefix else ""
    path_start = f"/{prefix}" if prefix else ""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for width, height in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for name in names:
                page.goto(base_url + path_start + PAGE_TYPES[name])
                stem = f"{stem_start}{name}-{width}"
                for old in folder.glob(f"{stem}*.png"):
                    old.unlink()
                first = folder / f"{stem}.png"
                page.screenshot(path=first)
                written.append(first)
                written += slices(page, folder / stem, width, height)
            context.close()
        browser.close()
    return written


def main() -> None:
    if not CHROMIUM:
        sys.exit("Chromium not found: apt-get install chromium")
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    wanted = os.environ.get("PAGES")
    names = wanted.split(",") if wanted else list(PAGE_TYPES)
    unknown = sorted(set(names) - set(PAGE_TYPES))
    if unknown:
        sys.exit(f"unknown page types: {', '.join(unknown)} (known: {', '.join(PAGE_TYPES)})")
    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    server, base_url = serve()
    try:
        written = shoot(base_url, folder, names, os.environ.get("SITE_LANGUAGE", ""))
    finally:
        server.shutdown()
        shutil.rmtree(SCRATCH, ignore_errors=True)
    print(f"{len(written)} screenshots in {folder}")


if __name__ == "__main__":
    main()
