"""Response headers and caching for the public pages.

Content changes only when it is loaded or saved in the admin, and each of those bumps
`ContentVersion`; so a public page is rendered once per content version and path, then served
from the cache until the next change.
"""

import re

import brotli
from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.text import compress_string

from .models import ContentVersion

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
        "payment", "usb", "interest-cohort", "browsing-topics", "display-capture",
        "fullscreen", "serial", "bluetooth", "midi",
    )
)  # fmt: skip


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
    """Serve anonymous GETs of public pages from a per-content-version cache.

    Cached pages are shared by every visitor, so only responses that set no cookie and vary on
    nothing but the URL are stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not is_public(request):
            return self.get_response(request)
        encoding = accepted_encoding(request)
        key = f"page:{ContentVersion.current()}:{encoding}:{request.get_full_path()}"
        response = cache.get(key)
        if response is None:
            response = self.get_response(request)
            if response.status_code in (200, 404) and not response.cookies:
                patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
                if not response.has_header("ETag"):
                    set_response_etag(response)  # once, not on every hit
                cache.set(key, response, timeout=settings.PAGE_CACHE_SECONDS)
        return response
