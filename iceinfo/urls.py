from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from markdownx.views import MarkdownifyView

from programs.page_cache import reads_query
from programs.sitemaps import SITEMAPS
from programs.urls import file_urlpatterns

# django-markdownx's own URLs answer anyone; the preview is wrapped so only staff reach it, and
# its upload view is not routed at all (the site has no user-uploaded files).
markdownx_patterns = [
    path(
        "markdownify/",
        staff_member_required(MarkdownifyView.as_view()),
        name="markdownx_markdownify",
    ),
]

urlpatterns = [
    path("admin/markdownx/", include(markdownx_patterns)),
    path("admin/", admin.site.urls),
    # ?p= picks a page of a long sitemap.
    path("sitemap.xml", reads_query("p")(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    *file_urlpatterns,
    # English pages at their paths, Spanish ones at /es/ + the same path: reverse() and
    # {% url %} give the address in the active language, which programs.i18n sets from the path.
    *i18n_patterns(path("", include("programs.urls")), prefix_default_language=False),
]

handler404 = "programs.views.page_not_found"
handler500 = "programs.views.server_error"
