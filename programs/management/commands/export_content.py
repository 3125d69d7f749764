from django.conf import settings
from django.core.management.base import BaseCommand

from programs.export import export_content


class Command(BaseCommand):
    help = "Write what is in the database back to the content files, in the same format."

    def add_arguments(self, parser):
        parser.add_argument("--content-dir", default=None, help="default: settings.CONTENT_DIR")

    def handle(self, *args, content_dir=None, **options):
        directory = content_dir or settings.CONTENT_DIR
        result = export_content(directory)
        for path in result.written:
            self.stdout.write(f"wrote {path}")
        for path in result.untracked:
            self.stdout.write(f"left alone (no record in the database): {path}")
        self.stdout.write(
            f"Exported to {directory}: {len(result.written)} written, "
            f"{result.unchanged} unchanged, {len(result.untracked)} left alone"
        )
