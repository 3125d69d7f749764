"""Response headers and caching for the public pages.

Content changes only when it is loaded or saved in the admin, and each of those bumps
`ContentVersion`; so a public page is rendered once per content version and path, then served
from the cache until the next change.
"""

import re
import time

import brotli
from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.text import compress_string

from .models import ContentVersion

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        *("accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone"),
        *("payment", "usb", "interest-cohort", "browsing-topics", "display-capture"),
        *("fullscreen", "serial", "bluetooth", "midi"),
    )
)


def is_public(request) -> bool:
    return not request.path.startswith(("/admin/", settings.STATIC_URL))


class SecurityHeadersMiddleware:
    """Headers Django has no setting for: Permissions-Policy and Cross-Origin-Resource-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


def accepted_encoding(request) -> str:
    """The best encoding the client takes: brotli, then gzip, else none."""
    accepted = request.headers.get("Accept-Encoding", "")
    if re.search(r"\bbr\b", accepted):
        return "br"
    return "gzip" if re.search(r"\bgzip\b", accepted) else "identity"


class PublicCompressionMiddleware:
    """Compress public pages with brotli or gzip; never admin pages, which carry CSRF tokens
    (BREACH). Pages are cached compressed, so brotli's best quality costs once per version."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        encoding = accepted_encoding(request)
        if (
            not is_public(request)
            or response.streaming
            or response.has_header("Content-Encoding")
            or len(response.content) < 200
        ):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if encoding == "identity":
            return response
        if encoding == "br":
            compressed = brotli.compress(response.content, quality=11)
        else:
            compressed = compress_string(response.content)
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        response.headers["Content-Encoding"] = encoding
        return response


class PublicPageCacheMiddleware:
    """Serve GETs of public pages from this process's memory, one copy per content version.

    Pages are the same for every visitor, so only responses that set no cookie are kept. The
    content version is read from the database at most once per CONTENT_VERSION_TTL seconds, so
    a load shows on every server within that time and a cache hit usually costs no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.pages: dict[tuple, tuple] = {}  # (version, encoding, path) -> status, headers, body
        self.version, self.version_read_at = None, -1.0

    def current_version(self) -> int:
        now = time.monotonic()
        if now - self.version_read_at >= settings.CONTENT_VERSION_TTL:
            version = ContentVersion.current()
            if version != self.version:
                self.pages.clear()  # pages of older versions are never asked for again
            self.version, self.version_read_at = version, now
        return self.version

    def __call__(self, request):
        # Never in development: a template edit, or a failed reload's error banner, must show
        # on the next request of every page, not only on pages nobody had opened.
        if settings.DEBUG or not settings.PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if not is_public(request):
            return self.get_response(request)
        key = (self.current_version(), accepted_encoding(request), request.get_full_path())
        stored = self.pages.get(key)
        if stored is not None:
            status, headers, body = stored
            return HttpResponse(body, status=status, headers=headers)
        response = self.get_response(request)
        if response.status_code in (200, 404) and not response.cookies and not response.streaming:
            patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
            if not response.has_header("ETag"):
                set_response_etag(response)  # once, not on every hit
            if len(self.pages) >= settings.PAGE_CACHE_ENTRIES:
                self.pages.clear()
            self.pages[key] = (response.status_code, dict(response.headers), response.content)
        return response
