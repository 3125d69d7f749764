"""The whole public site as a folder of files any static host can serve.

Pages are rendered by the same views, through Django's test client, with the production
static-file storage; Pagefind then indexes them so both searches work in the browser. The
export is built in a scratch folder beside the target and swapped in only when complete, so a
failed build leaves the previous export in place.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from .models import GlossaryTerm, Program, Source

NOT_FOUND_PROBE = "/this-page-does-not-exist/"


class BuildFailed(Exception):
    pass


def public_paths() -> list[str]:
    """Every public URL: fixed pages, each record's page, and the machine-readable files."""
    paths = [reverse(name) for name in ("home", "program_list", "glossary", "faq", "search",
                                        "source_list", "resources", "about")]  # fmt: skip
    for program in Program.objects.only("slug"):
        paths += [program.get_absolute_url(), reverse("program_history", args=[program.slug])]
    paths += [t.get_absolute_url() for t in GlossaryTerm.objects.only("slug")]
    paths += [s.get_absolute_url() for s in Source.objects.only("slug")]
    paths += [f"/data/{name}.{fmt}" for name in ("programs", "glossary", "faq")
              for fmt in ("json", "csv")]  # fmt: skip
    return [*paths, "/sitemap.xml", "/robots.txt"]


def file_for(path: str, root: Path) -> Path:
    """/programs/x/ -> programs/x/index.html; /sitemap.xml -> sitemap.xml."""
    relative = path.lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    return root / relative


def _render(client: Client, path: str, expected: int = 200) -> bytes:
    response = client.get(path)
    if response.status_code != expected:
        raise BuildFailed(f"{path} answered {response.status_code}, expected {expected}")
    return response.content


def _write_pages(root: Path, base_url: str) -> int:
    parts = urlsplit(base_url)
    client = Client(headers={"host": parts.netloc}, secure=parts.scheme == "https")
    paths = public_paths()
    for path in paths:
        target = file_for(path, root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_render(client, path))
    (root / "404.html").write_bytes(_render(client, NOT_FOUND_PROBE, expected=404))
    return len(paths) + 1


def _index_for_search(root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(root)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise BuildFailed(f"pagefind failed: {result.stderr or result.stdout}")


def build_site(output: Path, base_url: str) -> int:
    """Build into a scratch folder, then swap it in; returns the number of pages written."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{output.name}-building-", dir=output.parent))
    try:
        static_root = scratch / "static"
        storage = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
        host = urlsplit(base_url).hostname or "localhost"
        with override_settings(
            STATIC_ROOT=static_root,
            STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                      "staticfiles": storage},
            ALLOWED_HOSTS=[host],
            SITE_URL=base_url.rstrip("/"),
            SECURE_SSL_REDIRECT=False,
            PAGE_CACHE=False,
        ):  # fmt: skip
            # The admin is not part of the export, nor its files.
            call_command(
                "collectstatic", interactive=False, verbosity=0,
                ignore_patterns=["admin", "markdownx"],
            )  # fmt: skip
            count = _write_pages(scratch, base_url)
        _index_for_search(scratch)
        _swap_in(scratch, output)
        return count
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def _swap_in(built: Path, output: Path) -> None:
    """Replace the previous export with the new one in two renames."""
    previous = None
    if output.exists():
        previous = output.with_name(f".{output.name}-previous")
        shutil.rmtree(previous, ignore_errors=True)
        output.rename(previous)
    built.rename(output)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
