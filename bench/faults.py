"""The checks behind bench/faults.sh, against a server it started on 127.0.0.1:$PORT.

    faults.py wait       wait (at most 30 s) until the server answers
    faults.py mix        64 connections, 30 s, a mix of pages: no errors
    faults.py variants   load_content repeatedly under load: every page all-old or all-new
    faults.py broken     a load that fails under load changes nothing
    faults.py poison     requests with a forged Host and X-Forwarded-Proto leave no link to
                         that host for later visitors; a host Django refuses gets 400
    faults.py busting    a flood of unique query strings: a cached page's p99 stays within
                         twice its p99 under the same flood without them

Needs PORT, CONTENT_DIR (the server's copy of content/, which this edits), DATABASE_URL
(sqlite:////path, read directly to check the content version) and DJANGO_SITE_URL. Each
check ends with a `PASS: ...` or `FAIL: ...` line and exits non-zero on failure.
"""

import collections
import http.client
import itertools
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ["PORT"])
CONTENT = Path(os.environ["CONTENT_DIR"])
DB_PATH = os.environ["DATABASE_URL"].removeprefix("sqlite:///")
DURATION = float(os.environ.get("FAULTS_DURATION", "30"))
LOADS = int(os.environ.get("FAULTS_LOADS", "6"))
BUSTING_DURATION = float(os.environ.get("FAULTS_BUSTING_DURATION", "15"))
SITE_URL = os.environ.get("DJANGO_SITE_URL", "")

MARKED = CONTENT / "programs" / "rapid-repat.md"
MARKED_PAGE = "/programs/rapid-repat/"
BROKEN = CONTENT / "programs" / "deport-center.md"
# The summary shows in the page's meta descriptions and lead paragraph, the body once.
SUMMARY_MARK = re.compile(rb"Summary marker VARIANT-([A-Z])")
BODY_MARK = re.compile(rb"Body marker VARIANT-([A-Z])")


def get(path: str, headers: dict | None = None) -> tuple[int, bytes]:
    status, _headers, body = fetch(path, headers)
    return status, body


def fetch(path: str, headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection(loadgen.HOST, PORT, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def result(ok: bool, message: str) -> int:
    print(f"{'PASS' if ok else 'FAIL'}: {message}", flush=True)
    return 0 if ok else 1


def load_content() -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "load_content"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def content_version() -> int:
    with sqlite3.connect(f"file:{DB_PATH}?mode=ro", uri=True, timeout=10) as db:
        row = db.execute("SELECT number FROM programs_contentversion WHERE id = 1").fetchone()
    return row[0] if row else 0


def set_variant(letter: str) -> None:
    """Mark rapid-repat.md's summary and body with VARIANT-<letter>, replacing any mark."""
    text = MARKED.read_text()
    text = re.sub(r" Summary marker VARIANT-[A-Z]\.", "", text)
    text = re.sub(r"\n\nBody marker VARIANT-[A-Z]\.\n", "\n", text)
    text = re.sub(r"(?m)^(summary: .*)$", rf"\1 Summary marker VARIANT-{letter}.", text, count=1)
    MARKED.write_text(text.rstrip("\n") + f"\n\nBody marker VARIANT-{letter}.\n")


def variant_of(body: bytes) -> str:
    """'A', 'B', ... when summary and body carry one and the same mark; else what is wrong."""
    summary, main = set(SUMMARY_MARK.findall(body)), set(BODY_MARK.findall(body))
    if not summary or not main:
        return "missing"
    if len(summary | main) > 1:
        return "mixed"
    return summary.pop().decode()


def counting_check(counts: collections.Counter, lock: threading.Lock, expect: set[str]):
    """A loadgen check: counts the variant of each marked page and rejects unexpected ones."""

    def check(path: str, body: bytes) -> str | None:
        if path != MARKED_PAGE:
            return None
        variant = variant_of(body)
        with lock:
            counts[variant] += 1
        return None if variant in expect else f"variant {variant}"

    return check


def in_background(**kwargs) -> tuple[threading.Thread, threading.Event, dict]:
    stop, out = threading.Event(), {}
    thread = threading.Thread(target=lambda: out.update(stats=loadgen.run(stop=stop, **kwargs)))
    thread.start()
    time.sleep(1)  # let every connection get going before the loads start
    return thread, stop, out


def cmd_wait() -> int:
    for _ in range(150):
        try:
            if get("/")[0] == 200:
                return 0
        except OSError:
            pass
        time.sleep(0.2)
    print("FAIL: the server did not answer within 30 s")
    return 1


def cmd_mix() -> int:
    css = re.search(rb'<link rel="stylesheet" href="([^"]+)"', get("/")[1]).group(1).decode()
    programs = sorted(p.stem for p in (CONTENT / "programs").glob("*.md"))[:8]
    terms = sorted(p.stem for p in (CONTENT / "glossary").glob("*.md"))[:4]
    paths = (
        [
            "/",
            "/programs/",
            "/glossary/",
            "/glossary/?q=FOT",
            "/glossary/?q=detainr",
            "/search/?q=fugitive",
            "/search/?q=bond",
            "/faq/",
            "/sources/",
            "/resources/",
            "/about/",
            css,
        ]
        + [f"/programs/{slug}/" for slug in programs]
        + [f"/glossary/{slug}/" for slug in terms]
    )
    stats = loadgen.run(
        PORT, paths, connections=64, duration=DURATION, headers=[("Accept-Encoding", "gzip")]
    )
    for sample in stats.error_samples:
        print("  e.g.", sample)
    return result(
        stats.requests > 0 and stats.errors == 0,
        f"mix of {len(paths)} URLs, 64 connections, {DURATION:.0f} s: {loadgen.summary(stats)}",
    )


def cmd_variants() -> int:
    set_variant("A")
    if load_content().returncode != 0:
        return result(False, "the first load of VARIANT-A failed")
    counts, lock = collections.Counter(), threading.Lock()
    # No Accept-Encoding: plain bodies to look into.
    thread, stop, out = in_background(
        port=PORT,
        paths=[MARKED_PAGE],
        connections=32,
        duration=LOADS * 60 + 30,
        check=counting_check(counts, lock, {"A", "B"}),
    )
    loads, last = [], "A"
    for i in range(LOADS):
        last = "B" if i % 2 == 0 else "A"
        set_variant(last)
        start = time.monotonic()
        loaded = load_content()
        loads.append((loaded.returncode, time.monotonic() - start))
        if loaded.returncode:
            print(loaded.stderr, end="")
        time.sleep(1)  # some requests between loads
    stop.set()
    thread.join()
    stats = out["stats"]
    after = variant_of(get(MARKED_PAGE)[1])
    for sample in stats.error_samples:
        print("  e.g.", sample)
    print(
        f"  loads: {len(loads)}, exit codes {[c for c, _ in loads]}, "
        f"{', '.join(f'{t:.1f}' for _, t in loads)} s each"
    )
    print(f"  {loadgen.summary(stats)}")
    print(
        f"  responses: A {counts['A']}, B {counts['B']}, mixed {counts['mixed']}, "
        f"missing {counts['missing']}; after the last load: {after} (expected {last})"
    )
    ok = (
        all(code == 0 for code, _ in loads)
        and stats.errors == 0
        and stats.check_failures == 0
        and counts["A"] > 0
        and counts["B"] > 0
        and after == last
    )
    return result(
        ok,
        f"{LOADS} loads under load, {stats.requests} responses: {counts['A']} all-A, "
        f"{counts['B']} all-B, {counts['mixed']} mixed, {counts['missing']} missing, "
        f"{stats.errors} errors",
    )


def cmd_broken() -> int:
    status, body = get(MARKED_PAGE)
    before, version = variant_of(body), content_version()
    if status != 200 or before not in ("A", "B"):
        return result(False, f"run `variants` first: {MARKED_PAGE} is {status}, {before}")
    # One valid change (a new variant) and one invalid date elsewhere: nothing may be written.
    set_variant("C")
    BROKEN.write_text(re.sub(r"(?m)^reviewed: .*$", "reviewed: 2026-02-30", BROKEN.read_text()))
    counts, lock = collections.Counter(), threading.Lock()
    thread, stop, out = in_background(
        port=PORT,
        paths=[MARKED_PAGE, "/programs/deport-center/", "/"],
        connections=32,
        duration=200,
        check=counting_check(counts, lock, {before}),
    )
    codes, first_error, started = [], "", time.monotonic()
    for _ in range(3):
        loaded = load_content()
        codes.append(loaded.returncode)
        first_error = first_error or loaded.stderr.strip().splitlines()[0]
        time.sleep(1)
    stop.set()
    thread.join()
    stats = out["stats"]
    after, version_after = variant_of(get(MARKED_PAGE)[1]), content_version()
    for sample in stats.error_samples:
        print("  e.g.", sample)
    print(
        f"  load_content exit codes {codes} in {time.monotonic() - started:.1f} s; "
        f"first error: {first_error}"
    )
    print(f"  {loadgen.summary(stats)}")
    print(
        f"  {MARKED_PAGE}: {counts[before]} showed {before} (previous), other: "
        f"{sum(v for k, v in counts.items() if k != before)}; content version "
        f"{version} -> {version_after}; after: {after}"
    )
    ok = (
        codes == [1, 1, 1]
        and stats.errors == 0
        and stats.check_failures == 0
        and counts[before] > 0
        and version_after == version
        and after == before
    )
    return result(
        ok,
        f"failed load (exit {codes[0]}) under load changed nothing: {stats.requests} "
        f"responses, {stats.errors} errors, {stats.check_failures} not the previous content",
    )


POISON = {"Host": "127.0.0.1:6666", "X-Forwarded-Proto": "https"}
POISON_PATHS = [
    "/",
    "/faq/",
    "/glossary/",
    "/glossary/fugitive-alien/",
    "/search/?q=bond",
    "/programs/rapid-repat/",
    "/sitemap.xml",
    "/robots.txt",
]
POISON_ROUNDS = 40  # per path: enough that every worker gets some of each


def poisoned_links(body: bytes) -> list[str]:
    """Absolute links in `body` that are not on SITE_URL (schema.org and the like aside)."""
    links = re.findall(rb"https?://(?:127\.0\.0\.1|localhost)[^\s\"'<>]*", body)
    return [u.decode() for u in links if not u.decode().startswith(SITE_URL + "/")]


def cmd_poison() -> int:
    problems = []
    for _ in range(POISON_ROUNDS):
        for path in POISON_PATHS:
            status, headers, body = fetch(path, POISON)
            if status != 200 or b"6666" in body or poisoned_links(body):
                problems.append(f"poisoned request {path}: {status}, {poisoned_links(body)[:2]}")
            if headers.get("Strict-Transport-Security"):
                problems.append(f"{path}: X-Forwarded-Proto believed (HSTS sent over HTTP)")
            status, _, _ = fetch(path, {"Host": "evil.example"})
            if status != 400:
                problems.append(f"Host: evil.example {path}: {status}, expected 400")
    clean = 0
    for _ in range(POISON_ROUNDS):
        for path in POISON_PATHS:
            status, body = get(path)
            ours = (SITE_URL + "/").encode() in body
            if status != 200 or b"6666" in body or poisoned_links(body) or not ours:
                problems.append(f"later visitor {path}: {status}, {poisoned_links(body)[:2]}")
            else:
                clean += 1
    for problem in problems[:5]:
        print("  e.g.", problem)
    total = POISON_ROUNDS * len(POISON_PATHS)
    return result(
        not problems,
        f"{total} poisoned requests (Host 127.0.0.1:6666, X-Forwarded-Proto https) and {total} "
        f"for Host evil.example, then {clean}/{total} later requests with only {SITE_URL} links",
    )


BUSTED_PAGE = "/faq/"  # the largest page: the costliest to render and compress
FLOOD_PAGES = ["/faq/", "/", "/programs/national-fugitive-operations-program/", "/search/?q=bond"]


def flood_paths(unique: bool):
    """The flood's next path: its pages in turn, with a query string never sent before."""
    counter = itertools.count()

    def next_path() -> str:
        n = next(counter)
        page = FLOOD_PAGES[n % len(FLOOD_PAGES)]
        if not unique:
            return page
        return f"{page}{'&' if '?' in page else '?'}utm_source=flood&n={n}"

    return next_path


def measured(flood) -> tuple[loadgen.Stats, loadgen.Stats | None]:
    """4 connections on the cached page for BUSTING_DURATION s, beside 8 flooding ones."""
    headers = [("Accept-Encoding", "gzip, deflate, br")]
    background = None
    if flood is not None:
        background = in_background(
            port=PORT, paths=flood, connections=8, duration=BUSTING_DURATION + 30, headers=headers
        )
    stats = loadgen.run(
        PORT, [BUSTED_PAGE], connections=4, duration=BUSTING_DURATION, headers=headers
    )
    if background is None:
        return stats, None
    thread, stop, out = background
    stop.set()
    thread.join()
    return stats, out["stats"]


def cmd_busting() -> int:
    # Every worker has every page, at brotli's best quality, before anything is measured.
    for _ in range(30):
        for page in {BUSTED_PAGE, *FLOOD_PAGES}:
            get(page, {"Accept-Encoding": "gzip, deflate, br"})
    runs = {
        "quiet": measured(None),
        "same pages, no query": measured(flood_paths(unique=False)),
        "unique query strings": measured(flood_paths(unique=True)),
    }
    print(
        f"  {BUSTED_PAGE}, 4 connections, {BUSTING_DURATION:.0f} s each, beside 8 flooding "
        f"connections on {', '.join(FLOOD_PAGES)}:"
    )
    errors = 0
    for name, (page, flood) in runs.items():
        errors += page.errors + (flood.errors if flood else 0)
        print(f"  {name:22} page: {loadgen.summary(page)}")
        if flood:
            print(f"  {'':22} flood: {loadgen.summary(flood)}")
    without = runs["same pages, no query"][0].percentile(99)
    under = runs["unique query strings"][0].percentile(99)
    quiet = runs["quiet"][0].percentile(99)
    return result(
        errors == 0 and under <= 2 * without,
        f"{BUSTED_PAGE} p99 {under:.1f} ms under a flood of unique query strings, "
        f"{without:.1f} ms under the same flood without them ({under / without:.2f}x; at most "
        f"2x), {quiet:.1f} ms with no flood; {errors} errors",
    )


if __name__ == "__main__":
    commands = {
        "wait": cmd_wait,
        "mix": cmd_mix,
        "variants": cmd_variants,
        "broken": cmd_broken,
        "poison": cmd_poison,
        "busting": cmd_busting,
    }
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    sys.exit(commands[sys.argv[1]]())
