from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Program, Source


class StaticPages(Sitemap):
    def items(self):
        return ["home", "program_list", "source_list", "resources", "about"]

    def location(self, item):
        return reverse(item)


class Programs(Sitemap):
    def items(self):
        return Program.objects.only("slug", "updated_at")

    def lastmod(self, obj):
        return obj.updated_at


class Sources(Sitemap):
    def items(self):
        return Source.objects.only("slug", "updated_at")

    def lastmod(self, obj):
        return obj.updated_at


SITEMAPS = {"pages": StaticPages, "programs": Programs, "sources": Sources}
