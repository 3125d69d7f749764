"""The site's content: sources, the program tree, and plain pages.

Every model is keyed by `slug`, the file name of its content file, so that a load can match records
to files, and a second language can later arrive as parallel files with the same slugs.
Rendered HTML is stored at load/save time (`body_html`); requests never render markdown.
"""

import datetime
import hashlib
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from . import kinds

SLUG_MAX_LENGTH = 120  # a content file's name; the loader refuses longer ones

# A source dated before this year, or undated with no year after it, is labelled "older".
OLDER_BEFORE_YEAR = 2020


# While a Spanish page is rendered, the records it reads carry their Spanish text: the language
# middleware sets this to an object with `apply(record)` (see programs.i18n), and every record
# (facts too) read from the database passes through it. One place,
# so that no view or template has to know which of its records, related ones included, need
# their translation. Such records are for reading only: saving one refuses (see `save`).
READING_LANGUAGE: ContextVar = ContextVar("reading_language", default=None)


@contextmanager
def original_text():
    """Read records with their own (English) text, even while a page in another language is
    being rendered: the search indexes hold both languages side by side."""
    token = READING_LANGUAGE.set(None)
    try:
        yield
    finally:
        READING_LANGUAGE.reset(token)


class TranslatedOnRead:
    """Records that take their translated text when read while another language is active."""

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        obj = super().from_db(db, field_names, values, **kwargs)
        overlay = READING_LANGUAGE.get()
        if overlay is not None:
            overlay.apply(obj)
        return obj

    def save(self, *args, **kwargs):
        if getattr(self, "translated_for_reading", False):
            raise RuntimeError(f"{self!r} carries a translation for reading; it is not saved")
        super().save(*args, **kwargs)


# A date spelled out: "January 18, 2023"; in Spanish "18 de enero de 2023" (the catalog
# translates the format). Templates use the same msgid: `|date:_("F j, Y")`.
LONG_DATE = "F j, Y"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ContentItem(TranslatedOnRead, models.Model):
    """What every content record has: its file's slug, and what the loader and admin track.

    `file_text` is the record exactly as a content file: what `load_content` read, or, after an
    admin save, what `export_content` will write. `edited_in_admin` marks records whose file is
    behind the database, so that a load does not silently overwrite them.
    """

    slug = models.SlugField(unique=True, max_length=SLUG_MAX_LENGTH)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    file_text = models.TextField(blank=True, editable=False)
    edited_in_admin = models.BooleanField(default=False, editable=False)
    # Hash of the file as last loaded or exported: an export that finds the file changed since
    # then refuses to overwrite it (the file holds an edit nobody has loaded yet).
    file_hash = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return kinds.BY_NAME[self.KIND].url(self.slug)


class Source(ContentItem):
    """One ICE web page, known through its captures (`SourceCapture`): the only place facts may
    come from.

    `text`, `date_line`, `date` and `latest_year` are those of its newest capture, the one
    quotes are checked against and readers are shown; the `.md` file describes its first
    capture (`capture_file`), whose own values its first `SourceCapture` keeps.
    """

    KIND = kinds.SOURCE.name

    source_id = models.CharField(_("source id"), max_length=8, unique=True)
    title = models.CharField(max_length=200)
    short_name = models.CharField(max_length=120, help_text=_("How prose names it."))
    kind = models.CharField(_("what the page is"), max_length=300)
    date_line = models.CharField(
        max_length=200, blank=True, help_text=_("The date line exactly as the page gives it.")
    )
    date = models.DateField(null=True, blank=True)
    latest_year = models.PositiveIntegerField(_("newest year in the text"))
    capture_file = models.CharField(max_length=200)
    text = models.TextField(help_text=_("The captured page text, verbatim."))
    # The capture file's hash as last loaded or exported, as `file_hash` is for the .md file:
    # an export refuses to overwrite a capture edited on disk since then.
    capture_hash = models.CharField(max_length=64, blank=True, editable=False)
    body = MarkdownxField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    reviewed = models.DateField()

    class Meta:
        ordering = ["source_id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def newest(cls) -> "Source | None":
        """The most recently dated source: the one the program tree follows."""
        return cls.objects.exclude(date=None).order_by("-date").first()

    @property
    def is_older(self) -> bool:
        if self.date is not None:
            return self.date.year < OLDER_BEFORE_YEAR
        return self.latest_year < OLDER_BEFORE_YEAR

    MOST_WANTED_HEADING = "## Most Wanted"
    OMITTED_NOTE = _("[A list of ten names is omitted here: this site does not reproduce them.]")

    def shown_paragraphs(self) -> list[str]:
        """The captured text as paragraphs, without the home page's list of Most Wanted names:
        the site does not reproduce them (a note says so where the list was)."""
        shown, in_list, noted = [], False, False
        for line in self.text.split("\n"):
            if line.startswith("## "):
                in_list, noted = line.strip() == self.MOST_WANTED_HEADING, False
            elif in_list and line.startswith("- "):
                if not noted:
                    shown.append(str(self.OMITTED_NOTE))
                    noted = True
                continue
            shown.append(line)
        blocks = "\n".join(shown).split("\n\n")
        return [b.strip("\n") for b in blocks if b.strip()]

    @property
    def date_label(self) -> str:
        """The date as a reader should see it, or what the page says instead."""
        if self.date is not None:
            return date_format(self.date, gettext(LONG_DATE))
        return str(_("no date given; newest year in the text: %(year)s")) % {
            "year": self.latest_year
        }


class SourceCapture(models.Model):
    """One version of a source page, as kept on one day. Derived from the files at each load
    (programs.captures): the first from the source's `.md` and its capture file, each later one
    from a file `<slug>.<capture date>.txt` that `import_source` wrote and nothing rewrites."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="captures")
    key = models.CharField(max_length=10)  # "first" or the capture date: what a pin names
    position = models.PositiveIntegerField()  # 0 for the first, oldest first
    file = models.CharField(max_length=200)
    captured = models.DateField(null=True, blank=True)  # None: not recorded (a first capture)
    date_line = models.CharField(max_length=200, blank=True)
    date = models.DateField(null=True, blank=True)
    latest_year = models.PositiveIntegerField(default=0)
    text = models.TextField()

    class Meta:
        ordering = ["source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="one_capture_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.source.source_id}: {self.key}"

    @property
    def captured_label(self) -> str:
        if self.captured is None:
            return str(_("capture date not recorded"))
        return date_format(self.captured, gettext(LONG_DATE))

    @property
    def name(self) -> str:
        """How a page names it: "the capture of June 1, 2026"."""
        if self.captured is None:
            return str(_("the first capture (its date was not recorded)"))
        return str(_("the capture of %(date)s")) % {"date": self.captured_label}

    @property
    def said_on(self) -> datetime.date | None:
        """The day the page is known to have said what this capture holds: the capture date,
        or, where that was not recorded, the date the page itself gives."""
        return self.captured or self.date

    @property
    def date_label(self) -> str:
        if self.date is not None:
            return date_format(self.date, gettext(LONG_DATE))
        return str(_("no date given"))


class ProgramQuerySet(models.QuerySet):
    def for_tree(self) -> "ProgramQuerySet":
        """Just the columns needed to draw the whole tree in one query."""
        return self.only("slug", "title", "acronym", "summary", "parent_id", "order", "depth")


class Program(ContentItem):
    """A division, sub-division, program or operation; the tree comes from `parent`."""

    KIND = kinds.PROGRAM.name

    title = models.CharField(max_length=200)
    acronym = models.CharField(max_length=40, blank=True)
    other_names = models.JSONField(
        default=list, blank=True, help_text=_("[{name, kind: also|formerly, source}]")
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    also_parents = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="also_children"
    )
    order = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=400)
    sources = models.ManyToManyField(Source, related_name="programs")
    body = MarkdownxField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    glossary_links = models.BooleanField(
        default=True, help_text=_("Link the first mention of each glossary term in the body.")
    )
    toc = models.JSONField(default=list, blank=True, editable=False)
    # Derived at write time from the parent chain: [[slug, title, acronym], ...] root first, so
    # that breadcrumbs cost no query however deep the tree is.
    ancestors = models.JSONField(default=list, blank=True, editable=False)
    depth = models.PositiveIntegerField(default=0, editable=False)
    # Sorts the whole tree in reading order: "0002-enforcement/0001-criminal-apprehension-...".
    tree_order = models.CharField(max_length=1000, blank=True, editable=False, db_index=True)
    reviewed = models.DateField()

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        # "Operation SOAR" already shows its acronym; "Rapid REPAT" is one.
        if not self.acronym or self.acronym in self.title:
            return self.title
        return f"{self.title} ({self.acronym})"

    @property
    def display_name(self) -> str:
        return str(self)


class Fact(TranslatedOnRead, models.Model):
    """A figure exactly as a source gives it, with the words it stands in."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="facts")
    figure = models.CharField(max_length=100)
    label = models.CharField(max_length=300)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="facts")
    quote = models.TextField()
    # Pinned to one capture of its source (shown "as the page said on ..."); None: the newest.
    capture = models.ForeignKey(
        SourceCapture, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField(default=0)
    # The figure as the source writes it, in English, and marked so on every page; a translation
    # read over it gives the same numbers in the page's own words ("más de 37,000").
    figure_in_english = True

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.figure}: {self.label}"


class Page(ContentItem):
    """A standalone page kept as markdown (home introduction, about, resources).

    Its slug is the name of the route that shows it; the loader accepts only those slugs.
    """

    KIND = kinds.PAGE.name

    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=400)
    sources = models.ManyToManyField(Source, related_name="pages", blank=True)
    body = MarkdownxField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    toc = models.JSONField(default=list, blank=True, editable=False)
    reviewed = models.DateField(default=datetime.date.today)

    def __str__(self) -> str:
        return self.title


class GlossaryTerm(ContentItem):
    """A term or acronym a reader may meet, with its other names and its definition."""

    KIND = kinds.TERM.name

    term = models.CharField(max_length=200)
    acronyms = models.JSONField(default=list, blank=True)
    also_known_as = models.JSONField(default=list, blank=True)
    related = models.ManyToManyField(Program, blank=True, related_name="glossary_terms")
    see_also = models.ManyToManyField("self", symmetrical=False, blank=True)
    sources = models.ManyToManyField(Source, related_name="glossary_terms")
    quote_text = models.TextField(blank=True, help_text=_("The source's exact definition."))
    quote_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quote_capture = models.ForeignKey(
        SourceCapture, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    defined_in_sources = models.BooleanField(default=True)
    autolink = models.BooleanField(
        default=True, help_text=_("Link the first mention of this term on other pages.")
    )
    body = MarkdownxField()
    body_html = models.TextField(blank=True, editable=False)
    reviewed = models.DateField()

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    @property
    def initial(self) -> str:
        # "Órden" is listed under O: the letters of the A-Z list carry no accents.
        first = unicodedata.normalize("NFKD", self.term[:1])[:1].upper()
        return first if "A" <= first <= "Z" else "#"


class Question(ContentItem):
    """A question the sources answer, with our answer and the supporting quotes."""

    KIND = kinds.QUESTION.name

    question = models.CharField(max_length=300)
    topic = models.CharField(max_length=100)
    order = models.PositiveIntegerField(default=0)
    most_asked = models.PositiveIntegerField(
        default=0,
        help_text=_("Place in the FAQ's list of most asked questions, 1 first; 0: not in it."),
    )
    related_programs = models.ManyToManyField(Program, blank=True, related_name="questions")
    related_terms = models.ManyToManyField(GlossaryTerm, blank=True, related_name="questions")
    sources = models.ManyToManyField(Source, related_name="questions")
    source_quotes = models.JSONField(default=list, help_text=_("[{id, quote, capture (optional)}]"))
    body = MarkdownxField()
    body_html = models.TextField(blank=True, editable=False)
    glossary_links = models.BooleanField(default=True)
    reviewed = models.DateField()

    class Meta:
        ordering = ["topic", "order", "question"]

    def __str__(self) -> str:
        return self.question


class SearchVocabulary(ContentItem):
    """The words search treats alike, the filler it ignores, and the topics the site does not
    cover: one record per file in content/search/ (editors keep them, the loader checks them)."""

    KIND = "search"

    synonyms = models.JSONField(default=list, blank=True, help_text=_("[[word or phrase, ...]]"))
    ignore = models.JSONField(default=list, blank=True, help_text=_("[filler word, ...]"))
    not_covered = models.JSONField(
        default=list, blank=True, help_text=_("[{topic, words: [word or phrase, ...]}]")
    )

    class Meta:
        verbose_name_plural = _("search vocabularies")

    def __str__(self) -> str:
        return self.slug


class Revision(models.Model):
    """A previous version of a content record, kept whenever a load or an admin save changes it."""

    kind = models.CharField(max_length=20)  # a kind's name in programs.kinds
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH)
    file_text = models.TextField()
    saved_at = models.DateTimeField(help_text=_("When this version stopped being current."))
    replaced_by = models.CharField(max_length=10)  # "load" or "admin"

    class Meta:
        ordering = ["-saved_at", "-id"]
        indexes = [models.Index(fields=["kind", "slug", "-saved_at"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.slug} before {self.saved_at:%Y-%m-%d %H:%M}"


class ContentVersion(models.Model):
    """One row whose number changes whenever content is written (a load or an admin save).

    Processes key their in-memory search indexes (and page caches) on it, so every server
    sees a change at its next request without any process having to tell the others.
    """

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"content version {self.number}"

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("number", flat=True).first() or 0

    @classmethod
    def bump(cls) -> None:
        updated = cls.objects.filter(pk=1).update(number=models.F("number") + 1)
        if not updated:
            cls.objects.create(pk=1, number=1)


class Translation(models.Model):
    """A record's text in another language, from `content/<language>/<folder>/<slug>.md`.

    Only translated words live here (title, summary, body, names, facts' figures in Spanish
    words, renderings of quotes); facts, quotes, sources and the tree stay single-sourced in the
    English record.
    `translated_from` names the version of the English file it was translated from.
    """

    kind = models.CharField(max_length=20)  # the English record's KIND: "program", "term"...
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH)
    language = models.CharField(max_length=8)
    translated_from = models.CharField(max_length=64)
    fields = models.JSONField(default=dict)  # title, summary, names, facts, quotes...
    body_html = models.TextField(blank=True)
    toc = models.JSONField(default=list, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    file_text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug", "language"], name="one_translation")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.slug} ({self.language})"
