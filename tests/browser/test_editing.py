"""The admin's markdown editor previews live; the history page is accessible."""

from django.core.management import call_command

from programs.models import Program

from ..conftest import replace_in
from .conftest import axe_violations, visit


def log_in(page, django_user_model):
    django_user_model.objects.create_user(
        "editor", password="pw-for-tests-only", is_staff=True, is_superuser=True
    )
    visit(page, "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_admin_markdown_editor_shows_a_live_preview(page, django_user_model):
    log_in(page, django_user_model)
    program = Program.objects.get(slug="rapid-repat")
    visit(page, f"/admin/programs/program/{program.pk}/change/")
    editor = page.locator("textarea.markdownx-editor")
    editor.fill(
        "## Preview heading\n\nSee [CAP](program:criminal-apprehension-program) and **bold**."
    )
    preview = page.locator(".markdownx-preview")
    preview.locator("h2#preview-heading").wait_for(timeout=5000)
    html = preview.inner_html()
    assert '<a href="/programs/criminal-apprehension-program/">CAP</a>' in html
    assert "<strong>bold</strong>" in html


def test_history_page_has_no_axe_violations(page, axe_source, content_copy):
    path = content_copy / "programs" / "deport-center.md"
    replace_in(path, "summary: ", "summary: Newer. ")
    call_command("load_content", content_dir=str(content_copy))
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        visit(page, "/programs/deport-center/history/")
        assert page.locator("ins").count() >= 1
        assert axe_violations(page, axe_source) == []
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
