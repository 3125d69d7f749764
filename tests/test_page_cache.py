"""The public page cache under hostile requests: no poisoned link reaches a second visitor,
nothing Django refuses is answered from the cache, query strings a page does not read make no
entries, the cache stays within its byte budget, and Accept-Encoding's q-values are obeyed."""

import json
import re

import brotli
import pytest
from django.test import Client, RequestFactory

from programs import views
from programs.middleware import BEST_BROTLI_QUALITY, QUICK_BROTLI_QUALITY, accepted_encoding
from programs.page_cache import CachedPage, PageStore

from .conftest import SITE_URL

pytestmark = pytest.mark.django_db

POISON = {"Host": "127.0.0.1:6666", "X-Forwarded-Proto": "https"}


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE = True
    settings.CONTENT_VERSION_TTL = 0  # read the version on every request: no timing in tests
    return Client()


@pytest.fixture
def renders(monkeypatch):
    """How many times each view rendered a page (a cache hit renders nothing)."""
    counted = []
    real = views.render

    def counting(request, template, *args, **kwargs):
        counted.append(request.path)
        return real(request, template, *args, **kwargs)

    monkeypatch.setattr(views, "render", counting)
    return counted


def absolute_urls(body: str) -> set[str]:
    return set(re.findall(r"https?://[^\s\"'<>]+", body))


# --- Poisoning --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/faq/",
        "/glossary/",
        "/glossary/fugitive-alien/",
        "/search/?q=bond",
        "/sitemap.xml",
        "/robots.txt",
    ],
)
def test_a_poisoned_request_leaves_no_link_for_the_next_visitor(page_cache, settings, path):
    # Even behind a proxy that vouches for X-Forwarded-Proto, links come from SITE_URL.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    poisoned = page_cache.get(path, headers=POISON)
    assert poisoned.status_code == 200  # 127.0.0.1 is an allowed host, whatever the port
    second = Client().get(path)
    for response in (poisoned, second):
        body = response.content.decode()
        assert "6666" not in body
        ours = {u for u in absolute_urls(body) if "127.0.0.1" in u or SITE_URL in u}
        assert ours and all(u.startswith(SITE_URL + "/") for u in ours), ours


def test_canonical_and_open_graph_name_the_site_url_not_the_request(page_cache):
    html = page_cache.get("/faq/", headers=POISON).content.decode()
    assert f'<link rel="canonical" href="{SITE_URL}/faq/">' in html
    assert f'<meta property="og:url" content="{SITE_URL}/faq/">' in html


def test_json_ld_names_the_site_url(client):
    html = client.get("/glossary/fugitive-alien/", headers=POISON).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    assert data["url"] == f"{SITE_URL}/glossary/fugitive-alien/"
    assert data["inDefinedTermSet"] == f"{SITE_URL}/glossary/"


@pytest.mark.parametrize("path", ["/", "/faq/", "/robots.txt"])
def test_a_host_django_refuses_is_refused_by_the_cache_too(page_cache, path):
    assert page_cache.get(path).status_code == 200  # now cached
    refused = page_cache.get(path, headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert page_cache.get(path).status_code == 200


def test_results_pages_link_only_the_parameters_they_read(client):
    html = client.get("/search/?q=bond&utm=%22evil&page=1").content.decode()
    assert f'<link rel="canonical" href="{SITE_URL}/search/?q=bond&amp;page=1">' in html
    assert "utm" not in html


# --- Busting ----------------------------------------------------------------------------------
def test_query_strings_a_page_does_not_read_make_no_new_entries(page_cache, renders):
    for n in range(30):
        assert page_cache.get(f"/faq/?utm_source={n}&x=y{n}").status_code == 200
    assert page_cache.get("/faq/").status_code == 200
    assert renders == ["/faq/"]


def test_parameters_a_page_reads_are_in_its_key(page_cache, renders):
    for query in ("q=bond", "q=bond&junk=1", "q=bond&page=2", "q=detention", "q=bond"):
        assert page_cache.get(f"/search/?{query}").status_code == 200
    assert renders == ["/search/"] * 3  # bond, bond page 2, detention
    first = page_cache.get("/glossary/?q=FOT").content
    fragment = page_cache.get("/glossary/?q=FOT&fragment=results").content
    assert first != fragment and len(fragment) < len(first)


def test_sitemap_pages_are_keyed_by_p(page_cache):
    # Django's sitemap view reads ?p=: a 404 for p=9 must not become the cached sitemap.
    assert page_cache.get("/sitemap.xml?p=9").status_code == 404
    assert page_cache.get("/sitemap.xml").status_code == 200


def test_not_found_pages_are_not_kept(page_cache, renders):
    for n in range(3):
        assert page_cache.get(f"/programs/no-such-{n}/").status_code == 404
    assert page_cache.get("/programs/no-such-0/").status_code == 404
    assert len(renders) == 4


def test_the_store_drops_least_recently_used_pages_within_its_budget():
    page = CachedPage(200, {"Content-Type": "text/html"}, b"x" * 1000)
    store = PageStore(max_bytes=4 * page.size())
    for key in "abcd":
        store.put(key, CachedPage(200, dict(page.headers), page.body))
    assert store.get("a") is not None  # now the most recently used
    store.put("e", CachedPage(200, dict(page.headers), page.body))
    assert store.get("b") is None  # the least recently used, and only it, went
    assert all(store.get(key) is not None for key in "acde")
    assert store.bytes <= 4 * page.size()
    store.put("huge", CachedPage(200, {}, b"x" * 10 * page.size()))
    assert store.get("huge") is None and len(store) == 4


def test_a_full_cache_evicts_old_pages_not_everything(page_cache, settings, renders):
    settings.PAGE_CACHE_BYTES = 60_000  # a few compressed pages
    page_cache = Client()
    gzip = {"Accept-Encoding": "gzip"}
    paths = [f"/programs/{slug}/" for slug in ("rapid-repat", "deport-center", "287g-program")]
    for path in paths:
        page_cache.get(path, headers=gzip)
    for n in range(40):  # each a new results page, and /programs/rapid-repat/ kept in use
        page_cache.get(f"/search/?q=word{n}", headers=gzip)
        page_cache.get(paths[0], headers=gzip)
    renders.clear()
    page_cache.get(paths[0], headers=gzip)
    assert renders == []  # still cached: nothing cleared the whole cache


# --- Compression ------------------------------------------------------------------------------
def test_a_miss_is_compressed_quickly_and_a_page_served_again_at_best_quality(page_cache):
    br = {"Accept-Encoding": "br"}
    plain = page_cache.get("/faq/").content
    miss = page_cache.get("/faq/", headers=br)
    assert miss.content == brotli.compress(plain, quality=QUICK_BROTLI_QUALITY)
    page_cache.get("/faq/", headers=br)
    again = page_cache.get("/faq/", headers=br)
    assert again.content == brotli.compress(plain, quality=BEST_BROTLI_QUALITY)
    assert len(again.content) < len(miss.content)
    assert int(again["Content-Length"]) == len(again.content)
    assert again["ETag"] != miss["ETag"]
    assert (
        page_cache.get("/faq/", headers={**br, "If-None-Match": again["ETag"]}).status_code == 304
    )


def test_results_pages_stay_at_quick_quality(page_cache):
    br = {"Accept-Encoding": "br"}
    plain = page_cache.get("/search/?q=bond").content
    for _ in range(4):
        served = page_cache.get("/search/?q=bond", headers=br)
    assert served.content == brotli.compress(plain, quality=QUICK_BROTLI_QUALITY)


# --- Accept-Encoding --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "identity"),
        ("br", "br"),
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("br;q=0", "identity"),
        ("br; q=0.0, gzip;q=0", "identity"),
        ("gzip;q=0.5, br;q=0.4", "gzip"),
        ("BR;Q=0.9, GZIP;q=0.8", "br"),
        ("*", "br"),
        ("*;q=0.5, br;q=0", "gzip"),
        ("*;q=0", "identity"),
        ("identity;q=1, br;q=0.5", "identity"),
        ("br;q=nonsense, gzip", "gzip"),
        ("br;q=2, gzip", "gzip"),
        ("deflate", "identity"),
    ],
)
def test_accept_encoding_q_values_are_honoured(header, expected):
    assert (
        accepted_encoding(RequestFactory().get("/", headers={"Accept-Encoding": header}))
        == expected
    )


def test_br_refused_gets_gzip_from_the_cache_too(page_cache):
    page_cache.get("/faq/", headers={"Accept-Encoding": "br"})
    for _ in range(2):
        response = page_cache.get("/faq/", headers={"Accept-Encoding": "br;q=0, gzip"})
        assert response["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in page_cache.get("/faq/", headers={"Accept-Encoding": "br;q=0"})
