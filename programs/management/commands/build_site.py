from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programs.site_address import origin_problem
from programs.static_site import BuildFailed, build_site


class Command(BaseCommand):
    help = "Write the whole public site, with its static files and search index, to a folder."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="the folder to (re)create")
        parser.add_argument(
            "--base-url",
            default=None,
            help="where the folder will be served, for canonical links and the sitemap "
            "(default: SITE_URL, from DJANGO_SITE_URL)",
        )

    def handle(self, *args, output, base_url, **options):
        base_url = base_url or settings.SITE_URL
        if problem := origin_problem(base_url):
            raise CommandError(f"--base-url: {problem}.")
        try:
            count = build_site(Path(output), base_url)
        except BuildFailed as exc:
            raise CommandError(f"{exc}; the previous export, if any, is unchanged.") from None
        self.stdout.write(f"Built {count} pages into {output}, with static files and search.")
