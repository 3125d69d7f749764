"""Response headers and caching for the public pages.

Content changes only when it is loaded or saved in the admin, and each of those bumps
`ContentVersion`; so a public page is rendered once per content version and path, then served
from the cache until the next change.
"""

import time

import brotli
from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.text import compress_string

from .models import ContentVersion
from .page_cache import CachedPage, PageStore, page_key

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
    """The encoding to send: of brotli and gzip, the one with the highest q-value in
    Accept-Encoding (brotli on a tie); identity when neither is acceptable (q=0, or not named
    and no "*"), or when the client weighs identity itself higher.

    Django parses Accept but not Accept-Encoding, and the rule is a few lines (RFC 9110,
    section 12.5.3), so it is written here rather than pulled in with a framework.
    """
    weights = {}
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        if coding:
            weights[coding.lower()] = _q_value(params)

    def weight(coding: str) -> float:
        return weights.get(coding, weights.get("*", 0.0))

    best = max(("br", "gzip"), key=weight)  # the first of equals: brotli
    if weight(best) <= 0 or weights.get("identity", 0.0) > weight(best):
        return "identity"
    return best


def _q_value(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value)
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


class NegotiatedEncodingMiddleware:
    """Replace Accept-Encoding with the one encoding accepted_encoding() picks, before
    WhiteNoise sees it: WhiteNoise matches "br" and "gzip" as words and ignores q-values, so
    `br;q=0` would still get brotli static files. Pages and static files then agree."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_ACCEPT_ENCODING" in request.META:
            request.META["HTTP_ACCEPT_ENCODING"] = accepted_encoding(request)
        return self.get_response(request)


# Brotli at quality 5 takes a few milliseconds even for the largest page (the FAQ, 170 KB of
# HTML), far less than rendering it; quality 11 takes 150 ms to 1 s for about 15% fewer bytes,
# so only pages served again from the cache get it (PublicPageCacheMiddleware). Figures in
# docs/performance.md.
QUICK_BROTLI_QUALITY = 5
BEST_BROTLI_QUALITY = 11
UPGRADE_AFTER_HITS = 2


def compress(body: bytes, encoding: str, quality: int = QUICK_BROTLI_QUALITY) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=quality)
    return compress_string(body)


class PublicCompressionMiddleware:
    """Compress public pages with brotli or gzip; never admin pages, which carry CSRF tokens
    (BREACH)."""

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
        compressed = compress(response.content, encoding)
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        response.headers["Content-Encoding"] = encoding
        return response


class PublicPageCacheMiddleware:
    """Serve GETs of public pages from this process's memory, one copy per content version.

    Pages are the same for every visitor, so only 200 responses that set no cookie are kept,
    keyed by programs.page_cache.page_key, within PAGE_CACHE_BYTES. The content version is
    read from the database at most once per CONTENT_VERSION_TTL seconds, so a load shows on
    every server within that time and a cache hit usually costs no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.pages = PageStore(settings.PAGE_CACHE_BYTES)
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
        # What Django refuses (a Host not in ALLOWED_HOSTS: 400) the cache must refuse too.
        request.get_host()
        self.current_version()
        key = page_key(request, accepted_encoding(request))
        if key is None:
            return self.get_response(request)
        page = self.pages.get(key)
        if page is not None:
            return self.serve(key, page)
        response = self.get_response(request)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
            if not response.has_header("ETag"):
                set_response_etag(response)  # once, not on every hit
            # Search and glossary results (a query in the key) are rarely asked for twice.
            final = response.get("Content-Encoding") != "br" or bool(key[2])
            page = CachedPage(
                response.status_code, dict(response.headers), response.content, final=final
            )
            self.pages.put(key, page)
        return response

    def serve(self, key, page: CachedPage) -> HttpResponse:
        page.hits += 1
        if not page.final and page.hits >= UPGRADE_AFTER_HITS:
            page = self.recompressed(page)
            self.pages.put(key, page)
        return HttpResponse(page.body, status=page.status, headers=page.headers)

    @staticmethod
    def recompressed(page: CachedPage) -> CachedPage:
        """The same page at brotli's best quality, with its own length and validator."""
        body = compress(brotli.decompress(page.body), "br", BEST_BROTLI_QUALITY)
        response = HttpResponse(body, status=page.status, headers=page.headers)
        response.headers["Content-Length"] = str(len(body))
        del response.headers["ETag"]
        set_response_etag(response)
        return CachedPage(page.status, dict(response.headers), body, page.hits, final=True)
