from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programs.change_report import ReportError, report


class Command(BaseCommand):
    help = (
        "What changed between two captures of a source (the two newest by default): every "
        "fact and quote citing it, changed figures, unit names, the date line."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="the source's slug, like ero-page")
        parser.add_argument("--from", dest="from_key", help="a capture: 'first' or its date")
        parser.add_argument("--to", dest="to_key", help="a capture: 'first' or its date")
        parser.add_argument("--content-dir", default=None, help="default: settings.CONTENT_DIR")

    def handle(self, *args, source, from_key=None, to_key=None, content_dir=None, **options):
        root = Path(content_dir or settings.CONTENT_DIR).resolve()
        try:
            lines = report(root, source, from_key, to_key)
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        for line in lines:
            self.stdout.write(line)
