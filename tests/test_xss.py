"""XSS: no markdown an editor writes can put script on a page or in the admin preview.

Every known vector below goes through the one render function that every body goes through, and
through the staff-only django-markdownx preview; then all of them at once take the whole path a
file takes (`load_content`, the stored body, the public program page). `assert_safe` parses the
output and checks it against the allowlist independently of `programs.markdown` (it does not
import the sanitizer's settings), and `test_checker_catches_each_vector_without_nh3` proves it
fails on the same vectors when the sanitizer is left out.
"""

import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import Resolver404, resolve, reverse

from programs.markdown import GlossaryLinker, render
from programs.models import GlossaryTerm, Program

pytestmark = pytest.mark.django_db

# --- The vectors ------------------------------------------------------------------------------
VECTORS = {
    # <script>, in any case, as a block, inline, or with a src
    "script": "<script>alert(1)</script>",
    "script-upper": "<SCRIPT>alert(1)</SCRIPT>",
    "script-mixed-case-src": '<ScRiPt src="https://evil.test/x.js"></sCrIpT>',
    "script-inline": "Text <script>alert(1)</script> more text.",
    # event-handler attributes
    "img-onerror": "<img src=x onerror=alert(1)>",
    "p-onclick": '<p onclick="alert(1)">click me</p>',
    "a-onmouseover": '<a href="https://a.test/" onmouseover="alert(1)">hover</a>',
    "abbr-onmouseover": '<abbr title="x" onmouseover="alert(1)">x</abbr>',
    "h2-onclick": '<h2 id="x" onclick="alert(1)">x</h2>',
    "details-ontoggle": "<details open ontoggle=alert(1)>",
    # script URLs: markdown links, raw <a href>, reference links, autolinks
    "md-link-javascript": "[click](javascript:alert(1))",
    "md-link-javascript-angle": "[click](<javascript:alert(1)>)",
    "md-reference-javascript": "[click][evil]\n\n[evil]: javascript:alert(1)",
    "md-autolink-javascript": "<javascript:alert(1)>",
    "raw-a-javascript": '<a href="javascript:alert(1)">click</a>',
    "md-link-vbscript": '[click](vbscript:msgbox("x"))',
    "raw-a-vbscript": '<a href="vbscript:msgbox(1)">click</a>',
    "md-link-data-html": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "raw-a-data-html": '<a href="data:text/html,<script>alert(1)</script>">click</a>',
    # obfuscated javascript: entities, tabs, newlines, control characters, case
    "md-link-hex-entity": "[click](jav&#x61;script:alert(1))",
    "md-link-all-entities": "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
    "md-link-padded-decimal-entities": "[click](&#0000106&#0000097vascript:alert(1))",
    "raw-a-decimal-entity": '<a href="&#106;avascript:alert(1)">click</a>',
    "raw-a-named-entity-colon": '<a href="javascript&colon;alert(1)">click</a>',
    "raw-a-tab": '<a href="java\tscript:alert(1)">click</a>',
    "md-link-tab": "[click](java\tscript:alert(1))",
    "md-link-tab-entity": "[click](java&#9;script:alert(1))",
    "raw-a-tab-named-entity": '<a href="java&Tab;script:alert(1)">click</a>',
    "raw-a-newline": '<a href="java\nscript:alert(1)">click</a>',
    "raw-a-newline-entity": '<a href="java&#10;script:alert(1)">click</a>',
    "raw-a-leading-space-newline": '<a href=" \njavascript:alert(1)">click</a>',
    "raw-a-leading-control": '<a href="\x01javascript:alert(1)">click</a>',
    "raw-a-leading-control-entity": '<a href="&#x01;javascript:alert(1)">click</a>',
    "md-link-mixed-case": "[click](JaVaScRiPt:alert(1))",
    # malformed and unclosed tags
    "nested-script": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "unclosed-img": '<img src="x onerror=alert(1)//',
    "unclosed-img-attribute": '<img src="x" onerror="alert(1)"',
    "unclosed-a": '<a href="javascript:alert(1)"',
    "comment-breakout": "<!--><script>alert(1)</script>-->",
    "noscript-title-breakout": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "textarea-script": "<textarea><script>alert(1)</script></textarea>",
    "xmp-script": "<xmp><script>alert(1)</script></xmp>",
    # SVG and MathML
    "svg-onload": "<svg onload=alert(1)>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "svg-xlink-href": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "math-a-href": '<math><mtext><a href="javascript:alert(1)">x</a></mtext></math>',
    "math-mglyph-style": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "math-maction-xlink": '<math><maction xlink:href="javascript:alert(1)">x</maction></math>',
    # embedding, styling, forms, page-level tags
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="data:text/html,<script>alert(1)</script>">',
    "style-tag": "<style>body{background:url(javascript:alert(1))}</style>",
    "style-attribute-expression": '<p style="width: expression(alert(1))">x</p>',
    "link-stylesheet": '<link rel="stylesheet" href="javascript:alert(1)">',
    "form-input": (
        '<form action="javascript:alert(1)">'
        '<input type="submit" formaction="javascript:alert(1)"></form>'
    ),
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base-href": '<base href="javascript:alert(1)//">',
    "table-background": '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    # attribute injection through markdown syntax
    "link-title-injection": '[x](http://a.test "title\\" onmouseover=\\"alert(1)")',
    "link-title-quote-injection": "[x](http://a.test 'a\" onmouseover=\"alert(1)')",
    "image-title-injection": '![x](x "a\\" onerror=\\"alert(1)")',
    "heading-id-injection": '## x" onmouseover="alert(1)',
    "heading-raw-img": "## <img src=x onerror=alert(1)>",
    "heading-escaped-script": "## \\<script\\>alert(1)\\</script\\>",
    "image-javascript": "![x](javascript:alert(1))",
    "internal-link-inside-javascript-a": (
        '<a href="javascript:alert(1)">[y](program:deport-center)</a>'
    ),
    "raw-a-internal-scheme-onclick": '<a href="program:deport-center" onclick="alert(1)">c</a>',
    # the loader refuses this one (no such program), so it is never stored
    "broken-internal-link-title-injection": '[x](program:no-such-program "a\\" onclick=\\"alert(1)")',
}
REJECTED_BY_LOADER = {"broken-internal-link-title-injection"}

# Vectors that Python-Markdown itself already renders harmlessly, before nh3 runs: they test
# markdown's escaping, so they cannot show that the checker notices a missing sanitizer.
SAFE_WITHOUT_NH3 = {
    "unclosed-img",  # not a tag to markdown: escaped as text
    "unclosed-img-attribute",
    "unclosed-a",
    "link-title-injection",  # the quote is escaped inside the title
    "link-title-quote-injection",
    "heading-id-injection",  # the toc extension slugifies the id; the rest stays text
    "heading-escaped-script",  # backslash-escaped: text
    # Markdown expands the tab to spaces: "java    script:" is a relative URL in browsers
    # (the URL standard removes tabs and newlines, not spaces), so it is not a script URL.
    "raw-a-tab",
    "md-link-tab",
    "broken-internal-link-title-injection",  # quote escaped inside the title
}


def vector_params():
    return [pytest.param(VECTORS[name], id=name) for name in VECTORS]


# --- The checker ------------------------------------------------------------------------------
SAFE_TAGS = {
    *("h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "a"),
    *("table", "thead", "tbody", "tr", "th", "td", "blockquote", "code", "pre", "abbr"),
}
SAFE_ATTRIBUTES = {
    "a": {"href", "title", "rel", "class"},
    "abbr": {"title"},
    **{f"h{n}": {"id"} for n in range(2, 7)},
}
SAFE_CLASSES = {"term-link"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
# Attributes a browser follows as a URL (only href is allowed in a body; the page check uses all).
URL_ATTRIBUTES = {
    *("href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"),
    *("cite", "srcset", "ping", "codebase", "longdesc", "usemap", "manifest", "dynsrc", "lowsrc"),
}
C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see, or None for a relative URL.

    The parser has already decoded entities. As the URL standard does: strip leading and
    trailing control characters and spaces, remove every tab and newline, then read the scheme
    (case-insensitive).
    """
    url = re.sub(r"[\t\n\r]", "", value.strip(C0_AND_SPACE))
    match = SCHEME.match(url)
    return match[1].lower() if match else None


class Scan(HTMLParser):
    """Every start tag with its (entity-decoded) attributes, end tags, script/style text,
    and anything that is not a tag or text (comments, declarations, processing instructions)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.start_tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.end_tags: list[str] = []
        self.raw_text: list[str] = []  # contents of <script> and <style>
        self.other: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.start_tags.append((tag, attrs))

    def handle_endtag(self, tag):
        self.end_tags.append(tag)

    def handle_data(self, data):
        if self.cdata_elem is not None:
            self.raw_text.append(data)

    def handle_comment(self, data):
        self.other.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.other.append(f"<!{decl}>")

    def unknown_decl(self, data):
        self.other.append(f"<![{data}]>")

    def handle_pi(self, data):
        self.other.append(f"<?{data}>")


def problems_in(html: str) -> list[str]:
    scan = Scan(html)
    problems = [f"not a tag or text: {o!r}" for o in scan.other]
    problems += [f"script/style text: {t!r}" for t in scan.raw_text]
    problems += [f"end tag </{t}> not allowed" for t in scan.end_tags if t not in SAFE_TAGS]
    for tag, attrs in scan.start_tags:
        if tag not in SAFE_TAGS:
            problems.append(f"tag <{tag}> not allowed")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                problems.append(f"event attribute {name}= on <{tag}>")
            if name == "style":
                problems.append(f"style attribute on <{tag}>")
            if name not in SAFE_ATTRIBUTES.get(tag, set()):
                problems.append(f"attribute {name}= not allowed on <{tag}>")
            if name in URL_ATTRIBUTES and url_scheme(value) not in SAFE_SCHEMES | {None}:
                problems.append(f"{name}={value!r} on <{tag}> has scheme {url_scheme(value)!r}")
            if name == "class" and set(value.split()) - SAFE_CLASSES:
                problems.append(f"class={value!r} on <{tag}>")
    return problems


def assert_safe(html: str) -> None:
    problems = problems_in(html)
    assert not problems, "unsafe HTML:\n  " + "\n  ".join(problems) + f"\nin: {html!r}"


# --- The checker itself: it accepts real content and fails without the sanitizer -------------
def test_checker_passes_real_content():
    from programs.models import Page, Question, Source

    bodies = [
        obj.body_html
        for model in (Program, GlossaryTerm, Question, Page, Source)
        for obj in model.objects.all()
    ]
    assert len(bodies) > 50 and any("<a " in b for b in bodies)
    for body in bodies:
        assert_safe(body)


def test_checker_fails_on_markdown_without_nh3():
    html = markdown.markdown("<img src=x onerror=alert(1)>")  # Python-Markdown alone
    with pytest.raises(AssertionError, match="onerror"):
        assert_safe(html)


@pytest.mark.parametrize(
    "vector", [pytest.param(VECTORS[n], id=n) for n in VECTORS if n not in SAFE_WITHOUT_NH3]
)
def test_checker_catches_each_vector_without_nh3(vector):
    with pytest.raises(AssertionError, match="unsafe HTML"):
        assert_safe(markdown.markdown(vector, extensions=["tables", "sane_lists", "toc"]))


@pytest.mark.parametrize(
    "html",
    [
        '<p><a href="jav&#x61;script:alert(1)">x</a></p>',
        '<p><a href="java&#9;script:alert(1)">x</a></p>',
        '<p><a href=" \x01JAVASCRIPT:alert(1)">x</a></p>',
        '<p><a href="vbscript:x">x</a></p>',
        '<p><a href="data:text/html,x">x</a></p>',
        '<p onclick="x">x</p>',
        '<p ONMOUSEOVER="x">x</p>',
        '<p style="color:red">x</p>',
        '<p><img src="x"></p>',
        "<svg></svg>",
        "<p><!-- x --></p>",
        '<p><a class="evil">x</a></p>',
    ],
)
def test_checker_catches_unsafe_html(html):
    with pytest.raises(AssertionError):
        assert_safe(html)


def test_checker_allows_safe_urls():
    assert_safe(
        '<p><a href="https://a.test/" rel="noopener noreferrer">a</a> <a href="http://a.test">b</a>'
        ' <a href="mailto:x@a.test">c</a> <a href="tel:+15555550100">d</a>'
        ' <a href="/programs/x/">e</a> <a href="#top">f</a> <a href="java    script:x">g</a></p>'
    )


# --- A: load_content, stored body, public page ------------------------------------------------
PROGRAM = "rapid-repat"


def page_profile(html: str) -> dict:
    """What on a whole page could run script: tags outside the body allowlist (the page's own
    <script>, <meta>, <form>...), script/style contents, style attributes, comments, event
    attributes and script URLs anywhere."""
    scan = Scan(html)
    attrs = [(tag, name, value or "") for tag, a in scan.start_tags for name, value in a]
    return {
        "other tags": Counter(tag for tag, _ in scan.start_tags if tag not in SAFE_TAGS),
        "script/style text": scan.raw_text,
        "style attributes": [v for _, name, v in attrs if name == "style"],
        "comments etc.": scan.other,
        "event attributes": [(t, n) for t, n, _ in attrs if n.startswith("on")],
        "unsafe URLs": [
            (t, n, v)
            for t, n, v in attrs
            if n in URL_ATTRIBUTES and url_scheme(v) not in SAFE_SCHEMES | {None}
        ],
    }


def glossary_linker() -> GlossaryLinker:
    """The linker a program body is rendered with, from the loaded glossary."""
    terms = GlossaryTerm.objects.filter(autolink=True).values_list("slug", "term", "acronyms")
    return GlossaryLinker.build(terms)


@pytest.mark.parametrize("vector", vector_params())
def test_vector_is_sanitized_by_the_render_function(vector):
    # The one function the loader and the admin use for every body; a program body is
    # rendered with glossary links, so both ways are checked.
    assert_safe(render(vector).html)
    assert_safe(render("Before the Criminal Alien Program. " + vector, glossary_linker()).html)


def append_to_program(content_copy, vectors) -> None:
    path = content_copy / "programs" / f"{PROGRAM}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "".join(f"\n\n{v}\n" for v in vectors), encoding="utf-8")


def test_every_vector_in_a_content_file_is_sanitized_on_the_page(content_copy, client):
    """The whole path once: a file with every vector, load_content, the stored body, the page."""
    url = reverse("program_detail", args=[PROGRAM])
    before = client.get(url)
    assert before.status_code == 200
    baseline = page_profile(before.content.decode())
    assert baseline["event attributes"] == baseline["unsafe URLs"] == []

    loaded = [v for name, v in VECTORS.items() if name not in REJECTED_BY_LOADER]
    append_to_program(content_copy, loaded)
    call_command("load_content", content_dir=str(content_copy))  # plain HTML loads
    program = Program.objects.get(slug=PROGRAM)
    assert all(vector in program.body for vector in loaded)

    assert_safe(program.body_html)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert program.body_html in page  # served exactly as stored
    # Dangerous text may show as escaped text ("&lt;img ... onerror=..."); as markup it may not:
    # the page has no more tags, scripts, styles or handlers than the unchanged page had.
    assert page_profile(page) == baseline


def test_vector_the_loader_refuses_is_never_stored(content_copy):
    stored_before = Program.objects.get(slug=PROGRAM).body_html
    append_to_program(content_copy, [VECTORS[name] for name in REJECTED_BY_LOADER])
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content", content_dir=str(content_copy))
    assert Program.objects.get(slug=PROGRAM).body_html == stored_before


# --- B: the admin preview ---------------------------------------------------------------------
PREVIEW = "/admin/markdownx/markdownify/"


@pytest.mark.parametrize("vector", vector_params())
def test_vector_in_admin_preview_is_sanitized(vector, staff_client):
    response = staff_client.post(PREVIEW, {"content": vector})
    assert response.status_code == 200
    assert_safe(response.content.decode())


def test_preview_renders_for_staff(staff_client):
    response = staff_client.post(PREVIEW, {"content": "**bold** [x](program:deport-center)"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html and 'href="/programs/deport-center/"' in html


# --- Who reaches the preview, and no uploads --------------------------------------------------
def assert_refused(response):
    """staff_member_required sends everyone else to the admin login (or a 403)."""
    if response.status_code == 302:
        assert response.url.startswith(reverse("admin:login")), response.url
    else:
        assert response.status_code == 403, response.status_code
    assert b"<strong>" not in response.content


@pytest.fixture
def plain_user_client(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="unused", is_staff=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("method", ["get", "post"])
def test_preview_refuses_anonymous(client, method):
    assert_refused(getattr(client, method)(PREVIEW, {"content": "**x**"}))


@pytest.mark.parametrize("method", ["get", "post"])
def test_preview_refuses_non_staff(plain_user_client, method):
    assert_refused(getattr(plain_user_client, method)(PREVIEW, {"content": "**x**"}))


UPLOAD = "/admin/markdownx/upload/"
SKIP_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis"}
# A valid 1x1 PNG, so that a routed upload view would accept and save it.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def file_listing() -> dict[str, tuple[int, int]]:
    """Every file under the project dir and MEDIA_ROOT, with size and modification time."""
    roots = {Path(settings.BASE_DIR), Path(settings.MEDIA_ROOT or ".").resolve()}
    roots.add(Path(default_storage.location).resolve())
    listing = {}
    for root in roots:
        for directory, subdirs, files in os.walk(root):
            subdirs[:] = [d for d in subdirs if d not in SKIP_DIRS]
            for name in files:
                stat = os.stat(os.path.join(directory, name))
                listing[os.path.join(directory, name)] = (stat.st_size, stat.st_mtime_ns)
    return listing


def test_upload_view_is_not_routed():
    try:
        match = resolve(UPLOAD)
    except Resolver404:
        return
    # Only the admin's catch-all may answer (it sends non-staff to the login page).
    assert (match.func.__module__, match.func.__name__) == (
        "django.contrib.admin.sites",
        "catch_all_view",
    )


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_upload_is_refused_and_writes_nothing(who, request):
    client = request.getfixturevalue("client" if who == "anonymous" else "staff_client")
    before = file_listing()
    responses = [
        client.get(UPLOAD),
        client.post(
            UPLOAD,
            {"image": SimpleUploadedFile("x.png", PNG, content_type="image/png")},
            headers={"x-requested-with": "XMLHttpRequest"},
        ),
    ]
    for response in responses:
        if who == "staff":
            assert response.status_code == 404
        else:  # the admin hides which of its URLs exist from anyone not logged in
            assert response.status_code in (302, 404)
            if response.status_code == 302:
                assert response.url.startswith(reverse("admin:login")), response.url
        assert b"image_code" not in response.content
    assert file_listing() == before


# --- Links ------------------------------------------------------------------------------------
def links_in(html: str) -> list[dict]:
    return [dict(attrs) for tag, attrs in Scan(html).start_tags if tag == "a"]


def test_external_links_get_rel_and_internal_links_become_site_urls():
    html = render(
        "[a](https://a.test/x) [b](http://b.test/) [c](program:deport-center) [d](#top)"
    ).html
    external_https, external_http, internal, fragment = links_in(html)
    assert external_https == {"href": "https://a.test/x", "rel": "noopener noreferrer"}
    assert external_http == {"href": "http://b.test/", "rel": "noopener noreferrer"}
    assert internal == {"href": "/programs/deport-center/"}
    assert internal["href"] == reverse("program_detail", args=["deport-center"])
    assert fragment == {"href": "#top"}


def test_raw_html_is_shown_as_text_so_every_link_gets_the_same_rel():
    html = render('<a href="https://a.test/" rel="opener">a</a>').html
    assert links_in(html) == []
    assert "&lt;a href=" in html


def test_stored_page_links_follow_the_same_rules():
    links = links_in(Program.objects.get(slug=PROGRAM).body_html)
    internal = [a for a in links if a["href"] == "/programs/criminal-apprehension-program/"]
    assert internal and all("rel" not in a for a in internal)
