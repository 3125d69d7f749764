"""A program page costs a fixed number of SQL queries, however big the tree is."""

import datetime

import pytest

from programs.models import Fact, Program, Source

pytestmark = pytest.mark.django_db

MAX_QUERIES = 13  # includes the content-version check and the request savepoint


def build_synthetic_tree(size: int = 5000) -> list[Program]:
    """A root, 50 divisions, and programs under them: `size` programs in all."""
    source = Source.objects.get(source_id="002")
    common = {"summary": "Synthetic.", "reviewed": datetime.date(2026, 11, 22)}
    root = Program.objects.create(slug="synthetic-root", title="Synthetic root", **common)
    divisions = Program.objects.bulk_create(
        Program(
            slug=f"synthetic-division-{i}",
            title=f"Division {i}",
            parent=root,
            depth=1,
            ancestors=[[root.slug, root.title, ""]],
            **common,
        )
        for i in range(50)
    )
    per_division = (size - 51) // 50 + 1
    leaves = Program.objects.bulk_create(
        Program(
            slug=f"synthetic-{d}-{i}",
            title=f"Program {d}-{i}",
            parent=division,
            depth=2,
            ancestors=[[root.slug, root.title, ""], [division.slug, division.title, ""]],
            **common,
        )
        for d, division in enumerate(divisions)
        for i in range(per_division)
    )
    through = Program.sources.through
    through.objects.bulk_create(
        through(program_id=p.pk, source_id=source.pk) for p in [root, *divisions, *leaves]
    )
    Fact.objects.bulk_create(
        Fact(program=leaves[0], figure="1", label="One", source=source, quote="1", order=i)
        for i in range(20)
    )
    assert Program.objects.filter(slug__startswith="synthetic").count() >= size
    return [root, divisions[0], leaves[0]]


@pytest.mark.parametrize(
    "slug",
    ["enforcement-and-removal-operations", "national-fugitive-operations-program", "rapid-repat"],
)
def test_real_program_pages_are_bounded(client, django_assert_max_num_queries, slug):
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(f"/programs/{slug}/").status_code == 200


def test_synthetic_tree_of_5000_is_bounded_by_the_same_number(
    client, django_assert_max_num_queries
):
    for program in build_synthetic_tree():
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(program.get_absolute_url())
        assert response.status_code == 200
