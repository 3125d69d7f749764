from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import OLDER_BEFORE_YEAR
from .page_cache import query_params, used_query
from .site_address import absolute_url

SITE_NAME = _("ERO Explained")


# Route name -> label, in the order of the main navigation; breadcrumbs use the same labels.
# In a context of their own, so a translation can keep them short: on a phone the menu's rows
# come before the page's first task.
MAIN_NAV = {
    "home": pgettext_lazy("menu", "Home"),
    "program_list": pgettext_lazy("menu", "Programs"),
    "glossary": pgettext_lazy("menu", "Glossary"),
    "faq": pgettext_lazy("menu", "FAQ"),
    "resources": pgettext_lazy("menu", "Help and resources"),
    "source_list": pgettext_lazy("menu", "Sources"),
    "about": pgettext_lazy("menu", "About"),
}


def site(request):
    """The site's name and main navigation, for every template; in development, the errors
    of the last failed content reload."""
    return {
        "content_errors": _content_errors(),
        # The page's own address: search pages keep their query, other pages drop any.
        "canonical_url": _canonical_url(request),
        "site_name": SITE_NAME,
        "main_nav": list(MAIN_NAV.items()),
        "older_before_year": OLDER_BEFORE_YEAR,
    }


def _content_errors() -> list[str]:
    if not settings.DEBUG or not settings.CONTENT_ERRORS_FILE.exists():
        return []
    return settings.CONTENT_ERRORS_FILE.read_text(encoding="utf-8").splitlines()


def _canonical_url(request) -> str:
    """The page's address on SITE_URL. Results pages keep the parameters their view reads
    (the ones the page cache keys on), so junk added to a query never reaches the link."""
    if request is None:
        return ""
    query = ""
    if request.GET.get("q") and request.resolver_match:
        query = used_query(request, query_params(request.resolver_match.func))
    return absolute_url(f"{request.path}?{query}" if query else request.path)
