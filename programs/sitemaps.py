from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .content import PAGE_SLUGS
from .i18n import ENGLISH, is_translated
from .models import Page, Program, Source
from .site_address import scheme_and_domain


class BothLanguages(Sitemap):
    """Each page in English and, where it is translated, in Spanish, each listing the other as
    an alternate (xhtml:link hreflang), with English as the x-default. Links on SITE_URL,
    whatever Host or scheme the request came with."""

    i18n = True
    alternates = True
    x_default = True
    languages = [code for code, _name in settings.LANGUAGES]

    def get_protocol(self, protocol=None):
        return scheme_and_domain()[0]

    def get_domain(self, site=None):
        return scheme_and_domain()[1]

    def record(self, item) -> tuple[str | None, str]:
        """The kind and slug of the record whose translation the item's page needs."""
        return item.KIND, item.slug

    def get_languages_for_item(self, item):
        kind, slug = self.record(item)
        if kind is None:  # a page of the interface only: it exists in every language
            return self.languages
        return [
            code for code in self.languages if code == ENGLISH or is_translated(kind, slug, code)
        ]


class StaticPages(BothLanguages):
    def items(self):
        return ["home", "program_list", "source_list", "resources", "about"]

    def location(self, item):
        return reverse(item)

    def record(self, item) -> tuple[str | None, str]:
        return (Page.KIND if item in PAGE_SLUGS else None), item


class Programs(BothLanguages):
    def items(self):
        return Program.objects.only("slug", "updated_at")

    def lastmod(self, obj):
        return obj.updated_at


class Sources(BothLanguages):
    def items(self):
        return Source.objects.only("slug", "updated_at")

    def lastmod(self, obj):
        return obj.updated_at


class SourceChanges(Sources):
    """Each source's record of what changed between its captures."""

    def location(self, item):
        return reverse("source_changes", args=[item.slug])


SITEMAPS = {
    "pages": StaticPages,
    "programs": Programs,
    "sources": Sources,
    "source-changes": SourceChanges,
}
