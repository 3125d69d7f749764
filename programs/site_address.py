"""The site's own address, the one source of every absolute URL it prints.

Canonical links, Open Graph, JSON-LD, the sitemap and robots.txt name the site by
settings.SITE_URL, never by the request's Host or X-Forwarded-Proto: a client chooses those,
and a cached page would pass its choice on to every later visitor.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.http.request import split_domain_port, validate_host


def absolute_url(path: str) -> str:
    """/programs/x/ -> https://example.org/programs/x/"""
    return settings.SITE_URL.rstrip("/") + path


def scheme_and_domain() -> tuple[str, str]:
    """("https", "example.org"), as the sitemap framework builds its links."""
    parts = urlsplit(settings.SITE_URL)
    return parts.scheme, parts.netloc


def origin_problem(url: str) -> str | None:
    """Why `url` cannot be the site's address, or None: it must be http(s)://host[:port]."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http:// or https:// address"
    if parts.path.strip("/") or parts.query or parts.fragment:
        return f"{url!r} has more than a scheme and host (every page is served from the root)"
    return None


@checks.register(checks.Tags.urls)
def check_site_url(app_configs, **kwargs) -> list[checks.CheckMessage]:
    problem = origin_problem(settings.SITE_URL)
    if problem:
        return [
            checks.Error(
                f"SITE_URL {problem}.",
                hint="Set DJANGO_SITE_URL, e.g. https://ero.example.org",
                id="programs.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_site_url_for_deployment(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if origin_problem(settings.SITE_URL):
        return []  # check_site_url's error says it all
    parts = urlsplit(settings.SITE_URL)
    found = []
    if parts.scheme != "https":
        found.append(
            checks.Warning(
                f"SITE_URL {settings.SITE_URL!r} is not HTTPS: canonical links and the sitemap "
                "would send visitors and search engines to plain HTTP.",
                hint="Set DJANGO_SITE_URL to the public https:// address.",
                id="programs.W001",
            )
        )
    domain, _port = split_domain_port(parts.netloc)
    if domain and not validate_host(domain, settings.ALLOWED_HOSTS):
        found.append(
            checks.Warning(
                f"SITE_URL's host {domain!r} is not in ALLOWED_HOSTS: links would point "
                "at an address this server refuses.",
                id="programs.W002",
            )
        )
    return found
