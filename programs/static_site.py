"""The whole public site as a folder of files any static host can serve.

Pages are rendered by the same views, through Django's test client, with the production
static-file storage; Pagefind then indexes them so both searches work in the browser. The
export is built in a scratch folder beside the target and swapped in only when complete, so a
failed build leaves the previous export in place.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from .i18n import OTHER_LANGUAGES, path_in
from .models import GlossaryTerm, Program, Source
from .open_data import DATASETS

NOT_FOUND_PROBE = "/this-page-does-not-exist/"
# Written into every export: a folder without it is not ours to replace, unless empty.
EXPORT_MARKER = ".ero-explained-export"


class BuildFailed(Exception):
    pass


def public_paths() -> list[str]:
    """Every public URL: fixed pages, each record's page, and the machine-readable files."""
    names = ("home", "program_list", "glossary", "faq", "search", "source_list", "resources")
    paths = [reverse(name) for name in (*names, "about")]
    for program in Program.objects.only("slug"):
        paths += [program.get_absolute_url(), reverse("program_history", args=[program.slug])]
    paths += [t.get_absolute_url() for t in GlossaryTerm.objects.only("slug")]
    for source in Source.objects.only("slug"):
        paths += [source.get_absolute_url(), reverse("source_changes", args=[source.slug])]
    # Every page again in Spanish, at /es/ + the same path (a page whose record is not yet
    # translated too: Spanish pages link to it, and it says it is only in English).
    paths += [path_in(code, path) for code in OTHER_LANGUAGES for path in paths]
    paths += [f"/data/{name}.{fmt}" for name in DATASETS for fmt in ("json", "csv")]
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
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BuildFailed(f"pagefind failed: {result.stderr or result.stdout}")


def check_output_folder(output: Path) -> None:
    """Refuse a folder that replacing would destroy: one holding the project or the content,
    or any non-empty folder that an earlier build did not make."""
    for name, protected in (("project", settings.BASE_DIR), ("content", settings.CONTENT_DIR)):
        if Path(protected).resolve().is_relative_to(output):
            raise BuildFailed(f"{output} is or contains the {name} folder; choose another folder")
    if not output.exists() and not output.is_symlink():
        return
    if not output.is_dir():
        raise BuildFailed(f"{output} exists and is not a folder")
    if not (output / EXPORT_MARKER).is_file() and any(output.iterdir()):
        raise BuildFailed(
            f"{output} is not empty and was not made by build_site (it has no {EXPORT_MARKER} "
            "file): choose a new or empty folder"
        )


def _make_readable(root: Path) -> None:
    """Folders 755 and files 644 whatever the umask (the scratch folder itself is 700), so
    that a web server running as another user can serve the export."""
    for folder, _dirs, files in os.walk(root):
        os.chmod(folder, 0o755)  # noqa: S103 (a public site: readable by all is the point)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)


def build_site(output: Path, base_url: str) -> int:
    """Build into a scratch folder, then swap it in; returns the number of pages written."""
    output = output.resolve()
    check_output_folder(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{output.name}-building-", dir=output.parent))
    try:
        static_root = scratch / "static"
        storage = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
        host = urlsplit(base_url).hostname or "localhost"
        with override_settings(
            STATIC_ROOT=static_root,
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": storage,
            },
            ALLOWED_HOSTS=[host],
            SITE_URL=base_url.rstrip("/"),
            SECURE_SSL_REDIRECT=False,
            PAGE_CACHE=False,
        ):
            # The admin is not part of the export, nor its files.
            call_command(
                "collectstatic",
                interactive=False,
                verbosity=0,
                ignore_patterns=["admin", "markdownx"],
            )
            count = _write_pages(scratch, base_url)
        _index_for_search(scratch)
        (scratch / EXPORT_MARKER).write_text(
            "Made by `manage.py build_site`; it replaces this folder.\n"
        )
        _make_readable(scratch)
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
