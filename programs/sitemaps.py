from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .i18n import ENGLISH, is_translated
from .models import Program, Source


class BothLanguages(Sitemap):
    """Each page in English and, where it is translated, in Spanish, each listing the other as
    an alternate (xhtml:link hreflang), with English as the x-default."""

    i18n = True
    alternates = True
    x_default = True
    languages = [code for code, _name in settings.LANGUAGES]

    def get_languages_for_item(self, item):
        kind = getattr(item, "KIND", None)
        if kind is None:  # a page of the interface: both languages always
            return self.languages
        return [
            code
            for code in self.languages
            if code == ENGLISH or is_translated(kind, item.slug, code)
        ]


class StaticPages(BothLanguages):
    def items(self):
        return ["home", "program_list", "source_list", "resources", "about"]

    def location(self, item):
        return reverse(item)


class Programs(BothLanguages):
    def items(self):
        return Program.objects.published().only("slug", "updated_at")

    def lastmod(self, obj):
        return obj.updated_at


class Sources(BothLanguages):
    def items(self):
        return Source.objects.only("slug", "updated_at")

    def lastmod(self, obj):
        return obj.updated_at


SITEMAPS = {"pages": StaticPages, "programs": Programs, "sources": Sources}
