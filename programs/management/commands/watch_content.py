import traceback

from django.conf import settings
from django.core.management.base import BaseCommand
from watchfiles import watch

from programs.content import CONTENT_FOLDERS, ContentErrors, read_content
from programs.sync import AdminEditsWouldBeLost, MassDeleteRefused, sync_content


class Command(BaseCommand):
    help = (
        "While developing: reload the content whenever a file in CONTENT_DIR changes. "
        "Errors are printed here and shown on every page (DEBUG only); the last good content "
        "keeps being served."
    )

    def handle(self, *args, **options):
        directory = settings.CONTENT_DIR
        self.stdout.write(f"Watching {directory} for changes.")
        self.reload()
        # watchfiles batches the events of one save; a reload takes well under a second.
        for _changes in watch(*self.folders(), recursive=False, debounce=100, step=50):
            self.reload()

    @staticmethod
    def folders() -> list:
        """The content folder and its kinds' folders, each watched on its own, not recursively:
        a link to a folder elsewhere (say `/`) inside content/ is never descended into."""
        root = settings.CONTENT_DIR
        return [root, *(root / name for name in CONTENT_FOLDERS if (root / name).is_dir())]

    def reload(self) -> None:
        errors_file = settings.CONTENT_ERRORS_FILE
        try:
            result = sync_content(read_content(settings.CONTENT_DIR))
        except ContentErrors as exc:
            lines = [str(e) for e in exc.errors]
        except AdminEditsWouldBeLost as exc:
            lines = [f"{r}: changed in the admin; run export_content first" for r in exc.records]
        except MassDeleteRefused as exc:
            lines = [
                f"The reload would delete {'; '.join(exc.deletions)}: if the files really are "
                "gone, run `python manage.py load_content --allow-mass-delete`."
            ]
        except Exception as exc:  # a bug, not bad content: report it and keep watching
            self.stderr.write(traceback.format_exc())
            lines = [f"Unexpected error while reloading: {exc!r}"]
        else:
            errors_file.unlink(missing_ok=True)
            self.stdout.write(f"Content reloaded: {result}")
            return
        for line in lines:
            self.stderr.write(line)
        self.stderr.write("Not reloaded: the site keeps serving the last good content.")
        errors_file.parent.mkdir(parents=True, exist_ok=True)
        errors_file.write_text("\n".join(lines), encoding="utf-8")
