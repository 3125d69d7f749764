from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programs.content import ContentErrors, read_content
from programs.sync import sync_content


class Command(BaseCommand):
    help = "Check every content file, then write them all to the database in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("--content-dir", default=None, help="default: settings.CONTENT_DIR")

    def handle(self, *args, content_dir=None, **options):
        directory = content_dir or settings.CONTENT_DIR
        try:
            content = read_content(directory)
        except ContentErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s) in {directory}; nothing was written, "
                "the site keeps its previous content."
            ) from None
        result = sync_content(content)
        self.stdout.write(f"Content loaded from {directory}: {result}")
