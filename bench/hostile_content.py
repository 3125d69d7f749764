"""Time and peak memory of the loader and the admin preview on hostile content (issue 13).

Each case runs in its own child process with a memory cap (BENCH_MEMORY_MB, default 2048)
and a time cap (BENCH_TIMEOUT, default 60 s), so a case that would take minutes or gigabytes
stops at the cap and is reported as such; the time is the best of BENCH_ROUNDS runs (default
3). Loader cases run `read_content` on the sources plus one hostile program file; preview
cases post the text to the admin's markdownx preview (glossary links included).

    .venv/bin/python bench/hostile_content.py            # every case, a markdown table
    .venv/bin/python bench/hostile_content.py brackets   # the cases whose name contains it
"""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMORY_MB = int(os.environ.get("BENCH_MEMORY_MB", "2048"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "60"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TARGET = "programs/rapid-repat.md"
RAPID_REPAT_BODY = (ROOT / "content" / TARGET).read_text(encoding="utf-8").split("\n---\n", 1)[1]

ALIAS_BOMB = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    + ["other_names: *a8"]
)


def nested_lists(depth: int) -> str:
    return "".join("    " * i + "- item\n" for i in range(depth))


def worst_allowed_body() -> str:
    """The slowest body the limits let through, by the measurements in docs/performance.md:
    as many '[' and headings as allowed, then paragraphs at the paragraph limit of the
    costliest inline syntax (emphasis every four characters), up to the body limit."""
    from programs import markdown as md  # noqa: PLC0415

    brackets = "[a " * md.MAX_BRACKETS_PER_PARAGRAPH
    parts = [brackets] * (md.MAX_BRACKETS // md.MAX_BRACKETS_PER_PARAGRAPH)
    parts += ["# h"] * md.MAX_HEADINGS
    dense = ("*a* " * md.MAX_PARAGRAPH_CHARS)[: md.MAX_PARAGRAPH_CHARS]
    body = "\n\n".join(parts)
    while len(body) + len(dense) + 2 <= md.MAX_BODY_CHARS:
        body += "\n\n" + dense
    return body


# name -> (kind, what): "front" replaces the front matter's `acronym:` line, "body" the body,
# "preview" is posted to the admin preview, "content" leaves the file as it is.
CASES = {
    "rapid-repat.md as it is (3 KB)": ("content", lambda: ""),
    "YAML alias bomb (10 lines)": ("front", lambda: ALIAS_BOMB),
    'body "[" * 8000': ("body", lambda: "[" * 8000),
    'body "[a " * 2000 (6 KB)': ("body", lambda: "[a " * 2000),
    # 190 KB: just under the 200 KB limit on a whole file.
    "body: one 190 KB line of links": ("body", lambda: "[a](b) " * 27_000),
    "body: one 190 KB line of backslashes": ("body", lambda: "\\" * 190_000),
    "body: lists nested 300 deep": ("body", lambda: nested_lists(300)),
    "body: 5,000 headings": ("body", lambda: "# h\n" * 5000),
    "preview: rapid-repat.md's body": ("preview", lambda: RAPID_REPAT_BODY),
    'preview: 20 KB of "["': ("preview", lambda: "[" * 20_000),
    "preview: lists nested 300 deep": ("preview", lambda: nested_lists(300)),
    "body: the worst the limits allow": ("body", worst_allowed_body),
    "preview: the worst the limits allow": ("preview", worst_allowed_body),
}


def setup_django(database: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iceinfo.settings")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    # Django and the project are imported only in the child, once its database is set (hence
    # the imports inside functions in this script).
    import django  # noqa: PLC0415

    django.setup()


def hostile_copy(scratch: Path, kind: str, text: str) -> Path:
    """A content folder with the sources and the one program file, changed as the case says:
    the time measured is that file's, not the rest of the content's. (Its parent and links
    are then missing and reported; that costs next to nothing.)"""
    content = scratch / "content"
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(ROOT / "content" / "sources", content / "sources")
    for name in ("programs", "glossary", "faq", "pages"):
        (content / name).mkdir()
    original = (ROOT / "content" / TARGET).read_text(encoding="utf-8")
    front, body = original.split("\n---\n", 1)
    if kind == "front":
        front = "\n".join(
            text if line.startswith("acronym:") else line for line in front.split("\n")
        )
    elif kind == "body":
        body = text
    (content / TARGET).write_text(f"{front}\n---\n{body}", encoding="utf-8")
    return content


def run_case(name: str, scratch: Path) -> str:
    """In the child process: run one case; its seconds, peak memory and outcome."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_MB << 20, MEMORY_MB << 20))
    setup_django(str(scratch / "bench.sqlite3"))
    kind, make = CASES[name]
    text = make()
    content = hostile_copy(scratch, kind, text) if kind != "preview" else None
    start = time.perf_counter()
    try:
        outcome = _preview(text) if kind == "preview" else _load(content)
    except MemoryError:
        outcome = f"MemoryError at the {MEMORY_MB} MB cap"
    except RecursionError:
        outcome = "RecursionError (a traceback that names no file)"
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return f"{elapsed:.2f}\t{peak}\t{outcome}"


def _preview(text: str) -> str:
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from django.test import Client, override_settings  # noqa: PLC0415

    client = Client(raise_request_exception=True)
    client.force_login(get_user_model().objects.get(username="bench"))
    # Plain static storage: no collected files are needed for an error page either.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={"staticfiles": plain}):
        response = client.post("/admin/markdownx/markdownify/", {"content": text})
    reply = response.content.decode()[:100].replace("\n", " ")
    return f"{response.status_code}: {reply}"


def _load(content: Path) -> str:
    from programs.content import ContentErrors, read_content  # noqa: PLC0415

    try:
        read_content(content)
    except ContentErrors as exc:
        # The file's parent and link targets are not in the scratch folder: not the point.
        found = [
            e for e in exc.errors if e.field != "parent" and not e.message.startswith("link to")
        ]
        if found:
            first = f"{found[0].field}: {found[0].message}"
            return f"refused, {len(found)} error(s): {first}"[:150]
    return "read (no limit exceeded)"


def measure(name: str, scratch: Path) -> tuple[str, str, str]:
    """The least-disturbed of ROUNDS runs (the machine is shared); the first that hits a cap
    is reported as it is."""
    runs = []
    for _ in range(ROUNDS):
        seconds, peak, outcome = measure_once(name, scratch)
        if seconds.startswith(">") or seconds == "-":
            return seconds, peak, outcome
        runs.append((float(seconds), peak, outcome))
    seconds, peak, outcome = min(runs)
    return f"{seconds:.2f}", peak, outcome


def measure_once(name: str, scratch: Path) -> tuple[str, str, str]:
    """In the parent: run a case in a child; (seconds, peak MB, outcome)."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", name, str(scratch)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        out, err = child.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        return f"> {TIMEOUT:.0f}", "-", f"stopped at the {TIMEOUT:.0f} s cap"
    if child.returncode != 0:
        last = (err.strip().splitlines() or ["?"])[-1][:120]
        return "-", "-", f"crashed: {last}"
    seconds, peak, outcome = out.strip().splitlines()[-1].split("\t", 2)
    return seconds, peak, outcome


def prepare(scratch: Path) -> None:
    """A scratch database with the real content and a staff user, for the preview cases."""
    env = os.environ | {"DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_content"], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    script = (
        "from django.contrib.auth import get_user_model; "
        "get_user_model().objects.create_superuser('bench', password='bench-only')"
    )
    subprocess.run([*manage, "shell", "-c", script], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def main(selected: list[str]) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="hostile-bench-"))
    try:
        prepare(scratch)
        caps = f"{MEMORY_MB} MB of address space, {TIMEOUT:.0f} s per case; best of {ROUNDS}"
        print(f"Caps: {caps}.\n")
        print("| case | seconds | peak RSS MB | outcome |")
        print("|---|---|---|---|")
        for name in CASES:
            if selected and not any(s in name for s in selected):
                continue
            seconds, peak, outcome = measure(name, scratch)
            outcome = outcome.replace("|", "\\|")
            print(f"| {name} | {seconds} | {peak} | {outcome} |", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(run_case(sys.argv[2], Path(sys.argv[3])))
    else:
        main(sys.argv[1:])
