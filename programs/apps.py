from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Site content"

    def ready(self):
        from . import site_address  # noqa: F401 (registers the checks of SITE_URL)
