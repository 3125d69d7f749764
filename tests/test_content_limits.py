"""Bounded time and memory for every content file and admin preview, and every limit the
database imposes checked by the loader, each reported as `path:line: field: message`."""

import pytest
from django.core.management.base import CommandError

from programs import markdown
from programs.content import read_content
from programs.content_files import (
    MAX_DOCUMENT_BYTES,
    MAX_FIELD_CHARS,
    MAX_FRONT_MATTER_DEPTH,
    ContentErrors,
)
from programs.models import Fact, Program

from .test_confinement import within
from .test_editing import admin_post_data, change_url
from .test_loader import line_of, load, replace_in, snapshot

pytestmark = pytest.mark.django_db

PROGRAM = "programs/rapid-repat.md"
SECONDS = 10  # each hostile file is refused in well under a second; this only stops a hang

ALIAS_BOMB = "\n".join(
    ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    + ["other_names: *a8"]
)


def nested_lists(depth: int) -> str:
    return "".join("    " * i + "- item\n" for i in range(depth))


def set_body(path, body: str) -> int:
    """Replace the file's body; returns the body's first line."""
    front, _ = path.read_text(encoding="utf-8").split("\n---\n", 1)
    path.write_text(f"{front}\n---\n{body}", encoding="utf-8")
    return front.count("\n") + 3


def errors_for(directory) -> list[str]:
    with pytest.raises(ContentErrors) as exc:
        within(SECONDS, read_content, directory)
    return [str(e) for e in exc.value.errors]


def assert_reported(errors: list[str], expected: str, message: str) -> None:
    assert any(expected in e and message in e for e in errors), errors


# --- 5. Front matter -------------------------------------------------------------------------
def test_yaml_alias_bomb_is_refused_at_once(content_copy, capsys):
    path = content_copy / PROGRAM
    replace_in(path, "acronym: Rapid REPAT", ALIAS_BOMB)
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was written"):
        within(SECONDS, load, content_copy)
    err = capsys.readouterr().err
    line = line_of(path, "lol0:")
    assert f"{PROGRAM}:{line}: front matter: anchors and aliases" in err
    assert snapshot() == before


def test_a_single_anchor_is_refused_too(content_copy):
    path = content_copy / PROGRAM
    replace_in(path, "acronym: Rapid REPAT", "acronym: &name Rapid REPAT")
    assert_reported(
        errors_for(content_copy), f"{PROGRAM}:{line_of(path, '&name')}: front matter:", "anchors"
    )


def test_deeply_nested_flow_yaml_is_refused_before_parsing(content_copy):
    path = content_copy / PROGRAM
    replace_in(path, "acronym: Rapid REPAT", "acronym: " + "[" * 8000)
    line = line_of(path, "acronym:")
    assert_reported(errors_for(content_copy), f"{PROGRAM}:{line}: front matter:", "nested more")


def test_deeply_nested_block_yaml_is_refused(content_copy):
    path = content_copy / PROGRAM
    depth = MAX_FRONT_MATTER_DEPTH + 3
    nested = "\n".join("  " * i + f"level{i}:" for i in range(depth)) + " x"
    replace_in(path, "acronym: Rapid REPAT", nested)
    assert_reported(
        errors_for(content_copy), f"{PROGRAM}:", "values nested more than 6 levels deep"
    )


def test_a_file_over_the_size_limit_is_refused_unread(content_copy):
    path = content_copy / PROGRAM
    set_body(path, "word " * (MAX_DOCUMENT_BYTES // 5 + 1))
    assert_reported(
        errors_for(content_copy), f"{PROGRAM}: file: is ", f"the limit is {MAX_DOCUMENT_BYTES:,}"
    )


# --- 5. Markdown bodies ------------------------------------------------------------------------
BODIES = {
    # name: (body, offset of the reported line in the body, message)
    '"[" * 8000': ("[" * 8000, 0, "this paragraph is 8,000 characters"),
    "unclosed '[' in a short paragraph": ("[a " * 150, 0, "this paragraph has 150 '['"),
    "one very long line": ("Intro.\n\n" + "word " * 2000, 2, "this paragraph is 10,000"),
    "lists nested 20 deep": (nested_lists(20), markdown.MAX_NESTING, "nested more than 10"),
    "quotes nested 20 deep": ("> " * 20 + "quote\n", 0, "nested more than 10"),
    "too many headings": ("## h\n\n" * 201, 400, "more than 200 headings"),
    "a body over the size limit": ("word\n\n" * 9000, 0, "is 54,000 characters"),
    "an unclosed comment": ("Text.\n\n<!-- a note\n\nmore", 2, "'<!--' is not closed"),
}


@pytest.mark.parametrize("case", BODIES, ids=list(BODIES))
def test_markdown_over_the_limits_is_refused_before_rendering(case, content_copy, capsys):
    body, offset, message = BODIES[case]
    line = set_body(content_copy / PROGRAM, body) + offset
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was written"):
        within(SECONDS, load, content_copy)
    assert_reported(capsys.readouterr().err.splitlines(), f"{PROGRAM}:{line}: body: ", message)
    assert snapshot() == before


def test_every_real_page_is_well_within_the_limits():
    for program in Program.objects.all():
        assert markdown.markdown_problems(program.body) == [], program.slug


def test_render_itself_refuses_text_over_the_limits():
    with pytest.raises(markdown.MarkdownTooComplex):
        within(SECONDS, markdown.render, nested_lists(300))


# --- 5. The admin preview and save -------------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["[" * 20_000, nested_lists(300), "[a " * 7000], ids=["brackets", "nested", "words"]
)
def test_admin_preview_over_the_limits_answers_with_the_reason(staff_client, text):
    response = within(
        SECONDS, staff_client.post, "/admin/markdownx/markdownify/", {"content": text}
    )
    assert response.status_code == 200
    assert "Not previewed: the text is over the limits." in response.content.decode()


def test_admin_save_over_the_limits_shows_the_error_and_changes_nothing(staff_client):
    program = Program.objects.get(slug="rapid-repat")
    data = admin_post_data(program, body="Intro.\n\n" + "[" * 8000)
    response = within(SECONDS, staff_client.post, change_url(program), data)
    assert response.status_code == 200  # the form again, with errors
    assert "Line 3: this paragraph has 8,000 &#x27;[&#x27;" in response.content.decode()
    assert Program.objects.get(slug="rapid-repat").body == program.body


# --- 9. Every limit the database imposes ----------------------------------------------------
def max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def too_long(model, name: str) -> str:
    return "x" * (max_length(model, name) + 1)


def set_field(path, name: str, value: str) -> None:
    """Give a front-matter field (one line) a new value."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{name}: "))
    lines[at] = f"{name}: {value}"
    path.write_text("\n".join(lines), encoding="utf-8")


def test_summary_title_and_acronym_are_held_to_their_columns(content_copy):
    path = content_copy / PROGRAM
    for name in ("title", "acronym", "summary"):
        set_field(path, name, too_long(Program, name))
    errors = errors_for(content_copy)
    for name in ("title", "acronym", "summary"):
        limit = max_length(Program, name)
        assert_reported(
            errors,
            f"{PROGRAM}:{line_of(path, f'{name}: ')}: {name}: ",
            f"is {limit + 1:,} characters; the limit is {limit:,}",
        )


def test_a_fact_label_is_held_to_its_column(content_copy):
    path = content_copy / "programs/national-fugitive-operations-program.md"
    replace_in(path, "    label: Arrests", f"    label: {too_long(Fact, 'label')}")
    assert_reported(
        errors_for(content_copy),
        f"programs/national-fugitive-operations-program.md:{line_of(path, 'label: x')}: "
        "facts[0].label: ",
        f"the limit is {max_length(Fact, 'label'):,}",
    )


@pytest.mark.parametrize("order", [2**31, -1])
def test_order_is_held_to_the_range_of_its_column(order, content_copy):
    path = content_copy / PROGRAM
    set_field(path, "order", str(order))
    assert_reported(
        errors_for(content_copy),
        f"{PROGRAM}:{line_of(path, 'order:')}: order: ",
        "must be between 0 and 2,147,483,647",
    )


def test_text_inside_lists_is_held_to_the_field_limit(content_copy):
    path = content_copy / PROGRAM
    long_name = "y" * (MAX_FIELD_CHARS + 1)
    replace_in(
        path,
        "acronym: Rapid REPAT",
        f'acronym: Rapid REPAT\nother_names:\n  - name: {long_name}\n    source: "004"',
    )
    assert_reported(
        errors_for(content_copy),
        f"{PROGRAM}:{line_of(path, 'name: y')}: other_names[0].name: ",
        f"the limit is {MAX_FIELD_CHARS:,}",
    )


def test_a_nul_byte_is_refused_with_its_line(content_copy, capsys):
    path = content_copy / PROGRAM
    first = set_body(path, "Fine.\n\nBroken \x00 here.\n")
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was written"):
        load(content_copy)
    err = capsys.readouterr().err
    assert f"{PROGRAM}:{first + 2}: file: contains a NUL character" in err
    assert snapshot() == before


def test_a_tree_path_longer_than_its_column_is_refused(content_copy):
    """Deep nesting of long slugs: the stored tree path would not fit Program.tree_order."""
    limit = max_length(Program, "tree_order")
    parent, depth = "rapid-repat", limit // 100 + 1
    for level in range(depth):
        slug = f"level-{level:02d}-" + "a" * 90
        (content_copy / "programs" / f"{slug}.md").write_text(
            f'---\ntitle: Level {level}\nparent: {parent}\nsummary: S.\nsources: ["004"]\n'
            "reviewed: 2026-11-22\n---\nBody.\n",
            encoding="utf-8",
        )
        parent = slug
    errors = errors_for(content_copy)
    assert any(
        f"{parent}.md:3: parent: the path from the top of the tree" in e
        and f"the limit is {limit:,}" in e
        for e in errors
    ), errors[:3]
