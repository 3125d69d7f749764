"""What a cached public page is keyed on, and the store that keeps pages within a byte budget.

A public page is the same for every visitor, so it is kept once per content version and per
what its response depends on: the path, the query parameters its view reads (declared with
@reads_query; none for most pages) and the content encoding. Nothing else in a request reaches
a page: absolute URLs come from SITE_URL (programs.site_address), not from the Host header or
the scheme, and the site has one language. So /faq/?utm=1 is the cached /faq/, and a flood of
unique query strings costs a lookup each, not a render and a cache entry each.
"""

import threading
from dataclasses import dataclass
from functools import lru_cache, wraps
from urllib.parse import urlencode

from cachetools import LRUCache
from django.urls import Resolver404, resolve


def reads_query(*names: str):
    """Declare the query parameters a view's response depends on.

    The page cache keys on these alone: a parameter a view read without declaring it would
    be answered from the entry of the first request, whatever its value.
    """

    def declare(view):
        @wraps(view)
        def view_reading_query(*args, **kwargs):
            return view(*args, **kwargs)

        view_reading_query.query_params = names
        return view_reading_query

    return declare


def query_params(view) -> tuple[str, ...]:
    return getattr(view, "query_params", ())


def used_query(request, names: tuple[str, ...]) -> str:
    """The request's values of the parameters `names`, in a fixed order: q=x&page=2."""
    return urlencode([(name, value) for name in names for value in request.GET.getlist(name)])


def page_key(request, encoding: str) -> tuple | None:
    """None for a path no view answers (a 404, never cached)."""
    names = _declared_query(request.path_info)
    if names is None:
        return None
    return (encoding, request.path, used_query(request, names))


@lru_cache(maxsize=4096)
def _declared_query(path_info: str) -> tuple[str, ...] | None:
    # Resolving a path costs more than the rest of a cache hit (about 100 us), so it is done
    # once per path; the bound keeps a flood of unknown paths from growing this.
    try:
        return query_params(resolve(path_info).func)
    except Resolver404:
        return None


@dataclass(slots=True)
class CachedPage:
    status: int
    headers: dict
    body: bytes
    hits: int = 0
    final: bool = False  # no better compression to come

    def size(self) -> int:
        # The body, plus the headers and a rough share for the key and the objects around it.
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers.items()) + 256


class PageStore:
    """Pages by key, within `max_bytes`: the least recently used go first, one at a time.

    cachetools' LRUCache does the bookkeeping; a lock makes it safe for a threaded server
    (runserver; gunicorn's sync workers have one thread).
    """

    def __init__(self, max_bytes: int):
        self._pages = LRUCache(maxsize=max_bytes, getsizeof=CachedPage.size)
        self._lock = threading.Lock()

    def get(self, key) -> CachedPage | None:
        with self._lock:
            return self._pages.get(key)

    def put(self, key, page: CachedPage) -> None:
        if page.size() > self._pages.maxsize:
            return  # larger than the whole budget: served, not kept
        with self._lock:
            self._pages[key] = page

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def bytes(self) -> int:
        return int(self._pages.currsize)
