from django.conf import settings
from django.core.management.base import BaseCommand

from programs.content_warnings import content_warnings
from programs.management.content_command import read_or_report


class Command(BaseCommand):
    help = "Check every content file as load_content does, without writing anything."

    def add_arguments(self, parser):
        parser.add_argument("--content-dir", default=None, help="default: settings.CONTENT_DIR")

    def handle(self, *args, content_dir=None, **options):
        directory = content_dir or settings.CONTENT_DIR
        content = read_or_report(self, directory)
        warnings = content_warnings(content)
        for warning in warnings:
            self.stdout.write(f"warning: {warning}")
        total = sum(len(records) for _kind, records in content.by_kind())
        total += len(content.translations)
        self.stdout.write(f"{total} files checked: no errors, {len(warnings)} warning(s).")
