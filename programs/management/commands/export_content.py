from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programs.export import FilesChangedSinceLoad, UnsafePaths, export_content


class Command(BaseCommand):
    help = "Write what is in the database back to the content files, in the same format."

    def add_arguments(self, parser):
        parser.add_argument("--content-dir", default=None, help="default: settings.CONTENT_DIR")
        parser.add_argument(
            "--overwrite-file-edits",
            action="store_true",
            help="write even over files edited since the last load (those edits are lost)",
        )

    def handle(self, *args, content_dir=None, overwrite_file_edits=False, **options):
        directory = content_dir or settings.CONTENT_DIR
        try:
            result = export_content(directory, force=overwrite_file_edits)
        except UnsafePaths as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(exc.problems)} file(s) cannot be written safely: export writes only "
                f"plain files inside {directory}. Nothing was written."
            ) from None
        except FilesChangedSinceLoad as exc:
            for path in exc.paths:
                self.stderr.write(f"{path}: changed on disk since the last load")
            raise CommandError(
                f"{len(exc.paths)} file(s) hold edits that were never loaded. Run "
                "`python manage.py load_content` first (or commit and merge them), or pass "
                "--overwrite-file-edits to replace them. Nothing was written."
            ) from None
        for path in result.written:
            self.stdout.write(f"wrote {path}")
        for path in result.untracked:
            self.stdout.write(f"left alone (no record in the database): {path}")
        self.stdout.write(
            f"Exported to {directory}: {len(result.written)} written, "
            f"{result.unchanged} unchanged, {len(result.untracked)} left alone"
        )
