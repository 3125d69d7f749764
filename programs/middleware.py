"""Response headers and caching for the public pages.

Content changes only when it is loaded or saved in the admin, and each of those bumps
`ContentVersion`; so a public page is rendered once per content version and path, then served
from the cache until the next change.
"""

from django.conf import settings
from django.core.cache import cache
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control, set_response_etag

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


class PublicGZipMiddleware(GZipMiddleware):
    """Compress public pages only: admin pages carry CSRF tokens (BREACH)."""

    def process_response(self, request, response):
        if not is_public(request):
            return response
        return super().process_response(request, response)


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
        encoding = "gzip" if "gzip" in request.headers.get("Accept-Encoding", "") else "identity"
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
