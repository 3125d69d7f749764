"""content/search/synonyms.yml is content: checked by the loader like any file (every error as
path:line: field: message, nothing written), and what it says is what the search does. Also
the FAQ's `most_asked` list, the other reader-facing order kept in content."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from programs import site_search
from programs.content import SEARCH_FILES
from programs.models import Question, SearchVocabulary

from .conftest import CONTENT_DIR

pytestmark = pytest.mark.django_db

SMALL = """\
# A small vocabulary for tests.
synonyms:
  - [widget, fugitive]
  - [locate, find]
ignore: [the, where]
not_covered:
  - topic: gadgets
    words: [gadget]
"""


def load(directory):
    call_command("load_content", content_dir=str(directory))


def write(directory, text: str, name: str = "synonyms.yml"):
    path = directory / "search" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_real_vocabulary_is_loaded():
    row = SearchVocabulary.objects.get(slug="synonyms")
    assert ["attorney", "lawyer", "legal representative"] in [g[:3] for g in row.synonyms]
    assert "where" in row.ignore
    assert any(t["topic"] == "green cards" for t in row.not_covered)
    assert SEARCH_FILES == ("synonyms",)
    assert (CONTENT_DIR / "search" / "synonyms.yml").exists()


def test_what_the_file_says_is_what_the_search_does(content_copy):
    write(content_copy, SMALL)
    load(content_copy)
    site_search._site_index.cache_clear()
    # "widget" is on no page: its group finds the fugitive pages.
    urls = [item.url for item, _ in site_search.search("widget")]
    assert "/glossary/fugitive-alien/" in urls
    # Filler is the file's: "where" alone is searched as typed, "the where fugitive" as fugitive.
    assert [i.url for i, _ in site_search.search("the where fugitive")][:5] == urls[:5]
    assert site_search.not_covered("gadget", site_search.vocabulary()) == ("gadgets",)


BAD = [
    # (text replacing a line of SMALL, the line it is on, field, message)
    ("  - [widget, fugitive, widgets]", 3, "synonyms[0][2]",
     "'widgets' is already given, as 'widget' in synonyms[0][0] (line 3)"),
    ("  - [widget]", 3, "synonyms[0]", "must be a list of two or more words or phrases"),
    ("  - [widget, {a: b}]", 3, "synonyms[0][1]", "must be a word or phrase"),
    ("ignore: [the, no]", 5, "ignore[1]", "put it in quotes"),
    ("ignore: [the, where is]", 5, "ignore[1]", "must be one word"),
    ("ignore: [the, find]", 5, "ignore[1]", "'find' is already given, as 'find' in synonyms[1][1]"),
    ("  - topic: gadgets\n    words: []", 8, "not_covered[0].words",
     "must be a list of words or phrases"),
    ("  - topic: gadgets\n    word: [gadget]", 7, "not_covered[0]",
     "must have exactly 'topic' and 'words'"),
    # A field whose value is a block list is reported where the list starts.
    ("synonym:", 3, "synonym", "unknown field (did you mean 'synonyms'?)"),
]  # fmt: skip
ORIGINAL = {
    "synonyms[0]": "  - [widget, fugitive]",
    "ignore[1]": "ignore: [the, where]",
    "synonym": "synonyms:",
    "not_covered[0]": "  - topic: gadgets\n    words: [gadget]",
}


@pytest.mark.parametrize(("new", "line", "field", "message"), BAD, ids=[b[2] for b in BAD])
def test_a_bad_vocabulary_is_reported_and_nothing_is_written(
    content_copy, capsys, new, line, field, message
):
    write(content_copy, SMALL)
    load(content_copy)
    before = SearchVocabulary.objects.get().content_hash
    original = next(v for k, v in ORIGINAL.items() if field.startswith(k))
    write(content_copy, SMALL.replace(original, new))
    with pytest.raises(CommandError, match="nothing was written"):
        load(content_copy)
    err = capsys.readouterr().err
    expected = f"search/synonyms.yml:{line}: {field}: "
    assert any(expected in e and message in e for e in err.splitlines()), err
    assert SearchVocabulary.objects.get().content_hash == before


def test_an_unknown_search_file_is_reported(content_copy, capsys):
    write(content_copy, SMALL, name="stopwords.yml")
    with pytest.raises(CommandError):
        load(content_copy)
    assert "search/stopwords.yml:1: file name: search reads no 'stopwords.yml'" in (
        capsys.readouterr().err
    )


def test_invalid_yaml_is_reported_on_its_line(content_copy, capsys):
    write(content_copy, SMALL.replace("[locate, find]", "[locate, find"))
    with pytest.raises(CommandError):
        load(content_copy)
    assert re.search(r"search/synonyms.yml:\d+: file: invalid YAML", capsys.readouterr().err)


# --- The FAQ's most asked questions ---------------------------------------------------------
def clear_most_asked(directory) -> None:
    """The real content lists some questions; each test starts from none."""
    for path in (directory / "faq").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^most_asked: .*\n", "", text), "utf-8")


def set_most_asked(directory, slug: str, rank: int) -> None:
    path = directory / "faq" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntopic: ", f"\nmost_asked: {rank}\ntopic: ", 1), "utf-8")


@pytest.fixture
def faq_copy(content_copy):
    clear_most_asked(content_copy)
    return content_copy


FIND = "how-can-i-find-someone-in-ice-detention"
ABUSE = "how-can-someone-report-abuse-in-ice-detention"
BONDS = "what-does-ero-do-about-immigration-bonds"


def test_most_asked_questions_are_listed_first_in_their_order(faq_copy, client):
    for rank, slug in enumerate([ABUSE, FIND, BONDS], start=1):
        set_most_asked(faq_copy, slug, rank)
    load(faq_copy)
    html = client.get("/faq/").content.decode()
    listing = re.search(r'<ul class="most-asked__list">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'href="#([^"]+)"', listing) == [ABUSE, FIND, BONDS]
    assert html.index("most-asked__list") < html.index('class="in-page-nav"')
    # The answers themselves stay in their topics, once each.
    assert html.count(f'id="{FIND}"') == 1


def test_without_most_asked_there_is_no_list(faq_copy, client):
    load(faq_copy)
    assert not Question.objects.exclude(most_asked=0).exists()
    assert "most-asked__list" not in client.get("/faq/").content.decode()


def test_two_questions_in_one_place_are_both_reported(faq_copy, capsys):
    set_most_asked(faq_copy, FIND, 1)
    set_most_asked(faq_copy, ABUSE, 1)
    with pytest.raises(CommandError, match="nothing was written"):
        load(faq_copy)
    err = capsys.readouterr().err
    assert f"faq/{FIND}.md:3: most_asked: 1 is also the place of {ABUSE}" in err
    assert f"faq/{ABUSE}.md:3: most_asked: 1 is also the place of {FIND}" in err


def test_most_asked_is_written_back_by_export(faq_copy):
    set_most_asked(faq_copy, BONDS, 3)
    load(faq_copy)
    question = Question.objects.get(slug=BONDS)
    assert question.most_asked == 3
    from programs.export import file_text_for

    text = file_text_for(question)
    assert "\nmost_asked: 3\n" in text
    assert text.index("most_asked:") < text.index("related:")


def test_the_real_faq_lists_finding_someone_first(client):
    html = client.get("/faq/").content.decode()
    listing = re.search(r'<ul class="most-asked__list">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'href="#([^"]+)"', listing)[0] == FIND
