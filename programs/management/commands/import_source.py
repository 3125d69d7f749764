import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programs.captures import CaptureExists, key_label, same_text, write_capture
from programs.change_report import ReportError, read_source, report
from programs.content_files import (
    MAX_CAPTURE_BYTES,
    UnsafeFile,
    display_path,
    read_regular_file,
)
from programs.page_text import MAX_PAGE_BYTES, RefusedPage, page_text


class Command(BaseCommand):
    help = (
        "Add a capture to a source from a saved web page (HTML) or a UTF-8 text file, then "
        "print what changed. Only ever creates a new file; never rewrites or deletes one."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="the source's slug, like ero-page")
        parser.add_argument("file", help="the saved page: .html as a browser saves it, or text")
        parser.add_argument(
            "--captured",
            type=datetime.date.fromisoformat,
            default=None,
            help="the day the page was saved, YYYY-MM-DD (default: today)",
        )
        parser.add_argument("--content-dir", default=None, help="default: settings.CONTENT_DIR")

    def handle(self, *args, source, file, captured=None, content_dir=None, **options):
        root = Path(content_dir or settings.CONTENT_DIR).resolve()
        captured = captured or datetime.date.today()
        try:
            existing = read_source(root, source)
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        newest = existing.captures[-1]
        _check_date(captured, newest)
        text, what = _read_page(Path(file))
        if same_text(text, newest.text):
            raise CommandError(
                f"{file}: the same text as {key_label(newest.key)} of '{source}' "
                f"({newest.file}), white space aside; nothing was written."
            )
        try:
            path = write_capture(root / "sources", source, captured, text)
        except CaptureExists as exc:
            raise CommandError(f"{exc}; nothing was written (use --captured)") from None
        self.stdout.write(
            f"Wrote {display_path(path)}: the text of {file} ({what}), "
            f"{len(text.split()):,} words, captured {captured.isoformat()}."
        )
        self.stdout.write("")
        for line in report(root, source):
            self.stdout.write(line)


def _check_date(captured: datetime.date, newest) -> None:
    if captured > datetime.date.today():
        raise CommandError(f"--captured {captured}: a date in the future; nothing was written.")
    if newest.captured is not None and captured <= newest.captured:
        raise CommandError(
            f"--captured {captured}: the newest capture is of {newest.captured} "
            f"({newest.file}); a new capture comes after it. Nothing was written."
        )


def _read_page(path: Path) -> tuple[str, str]:
    """The page's text, or a CommandError saying why it cannot be a capture."""
    # The loader's careful read (a regular file, size-capped, never a FIFO or device), on the
    # resolved path: the saved page lives outside content/, where links are the editor's own.
    try:
        raw = read_regular_file(path.resolve(), MAX_PAGE_BYTES)
        text, what = page_text(raw)
    except UnsafeFile as exc:
        raise CommandError(f"{path}: {exc}; nothing was written.") from None
    except RefusedPage as exc:
        raise CommandError(f"{path}: refused: {exc}; nothing was written.") from None
    size = len(text.encode("utf-8"))
    if size > MAX_CAPTURE_BYTES:
        raise CommandError(
            f"{path}: its text is {size:,} bytes; a capture may have {MAX_CAPTURE_BYTES:,}. "
            "Nothing was written."
        )
    return text, what
