from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programs.management.content_command import read_or_report
from programs.sync import AdminEditsWouldBeLost, MassDeleteRefused, sync_content


class Command(BaseCommand):
    help = "Check every content file, then write them all to the database in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("--content-dir", default=None, help="default: settings.CONTENT_DIR")
        parser.add_argument(
            "--discard-admin-edits",
            action="store_true",
            help="overwrite records changed in the admin that were never exported",
        )
        parser.add_argument(
            "--allow-mass-delete",
            action="store_true",
            help="allow a load that deletes more than half of the records of some kind",
        )

    def handle(
        self, *args, content_dir=None, discard_admin_edits=False, allow_mass_delete=False, **options
    ):
        directory = content_dir or settings.CONTENT_DIR
        content = read_or_report(
            self, directory, "; nothing was written, the site keeps its previous content."
        )
        try:
            result = sync_content(
                content,
                discard_admin_edits=discard_admin_edits,
                allow_mass_delete=allow_mass_delete,
            )
        except AdminEditsWouldBeLost as exc:
            for record in exc.records:
                self.stderr.write(f"{record}: changed in the admin since the last load")
            raise CommandError(
                f"{len(exc.records)} record(s) were edited in the admin and their files differ. "
                "Run `python manage.py export_content` first to write those edits to the files, "
                "or pass --discard-admin-edits to overwrite them. Nothing was written."
            ) from None
        except MassDeleteRefused as exc:
            raise CommandError(
                f"This load would delete {'; '.join(exc.deletions)}. If {directory} is the "
                "right folder and the files really are gone, pass --allow-mass-delete. "
                "Nothing was written."
            ) from None
        self.stdout.write(f"Content loaded from {directory}: {result}")
