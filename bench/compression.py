"""What compressing a page costs beside rendering it, for the page cache's choice of brotli
quality (programs.middleware.QUICK_BROTLI_QUALITY for a miss, BEST_ for a page served again).

    .venv/bin/python bench/compression.py     # reads the project's database (make setup)

Renders each page through Django's test client with the page cache off, then compresses the
HTML with brotli at several qualities and with gzip; each time is the best of REPEATS runs.
"""

import gzip
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iceinfo.settings")

import brotli  # noqa: E402
import django  # noqa: E402

django.setup()

from django.test import Client, override_settings  # noqa: E402

PAGES = [
    "/",
    "/programs/",
    "/faq/",
    "/glossary/",
    "/programs/national-fugitive-operations-program/",
    "/search/?q=bond",
]
QUALITIES = [4, 5, 6, 11]
REPEATS = 5


def best_ms(action) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), result


def main() -> None:
    client = Client()
    header = ["page", "HTML bytes", "render ms"]
    header += [f"br {q}: bytes, ms" for q in QUALITIES] + ["gzip 6: bytes, ms"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    plain = {"PAGE_CACHE": False, "ALLOWED_HOSTS": ["testserver"], "SECURE_SSL_REDIRECT": False}
    with override_settings(**plain):
        for page in PAGES:
            render_ms, response = best_ms(lambda page=page: client.get(page))
            assert response.status_code == 200, (page, response.status_code)
            html = response.content
            cells = [page, f"{len(html):,}", f"{render_ms:.1f}"]
            for quality in QUALITIES:
                ms, body = best_ms(lambda q=quality, h=html: brotli.compress(h, quality=q))
                cells.append(f"{len(body):,}, {ms:.1f}")
            ms, body = best_ms(lambda h=html: gzip.compress(h, 6, mtime=0))
            cells.append(f"{len(body):,}, {ms:.1f}")
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
