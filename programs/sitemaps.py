from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Program, Source
from .site_address import scheme_and_domain


class SiteSitemap(Sitemap):
    """Links on SITE_URL, whatever Host or scheme the request came with."""

    def get_protocol(self, protocol=None):
        return scheme_and_domain()[0]

    def get_domain(self, site=None):
        return scheme_and_domain()[1]


class StaticPages(SiteSitemap):
    def items(self):
        return ["home", "program_list", "source_list", "resources", "about"]

    def location(self, item):
        return reverse(item)


class Programs(SiteSitemap):
    def items(self):
        return Program.objects.only("slug", "updated_at")

    def lastmod(self, obj):
        return obj.updated_at


class Sources(SiteSitemap):
    def items(self):
        return Source.objects.only("slug", "updated_at")

    def lastmod(self, obj):
        return obj.updated_at


SITEMAPS = {"pages": StaticPages, "programs": Programs, "sources": Sources}
