"""What the content commands share: read every file, or list every error and stop."""

from django.core.management.base import BaseCommand, CommandError

from programs.content import ContentErrors, ContentSet, read_content


def read_or_report(command: BaseCommand, directory, consequence: str = ".") -> ContentSet:
    """The checked content set; on errors, each on stderr, then exit status 1."""
    try:
        return read_content(directory)
    except ContentErrors as exc:
        for error in exc.errors:
            command.stderr.write(str(error))
        raise CommandError(f"{len(exc.errors)} error(s) in {directory}{consequence}") from None
