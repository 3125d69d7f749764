"""What kinds of content exist, said once: each kind's name, folder, model, page address, the
prefix an internal link to it takes, and the fields of its front matter.

The bottom layer (docs/modules.md): no project imports, so that the models, the markdown
renderer, the loader, the sync, the export and the admin can all read it.

Adding a front-matter field whose value is stored as it is: one `Field` line here and the model
field of the same name (with its migration). The loader reads and checks it, `load_content`
writes it, the export and the open data write it back. Fields with `stored=False` are read,
written and exported by the kind's own code (relations, lists of mappings).
"""

from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# A field's value when the file leaves it out, by kind of value. The export leaves out an
# optional value equal to this, so a file says only what differs.
DEFAULTS = {
    "str": "",
    "int": 0,
    "bool": True,
    "list": (),
    "names": (),
    "date": None,
    "mapping": None,
}


@dataclass(frozen=True)
class Field:
    name: str  # in the front matter
    value: str  # what kind of value: checked by content_files.check_value
    required: bool = False
    column: str = ""  # the model field that stores it, when not named `name`
    # False: the kind's own code reads, stores and exports it (relations, lists of mappings).
    stored: bool = True
    # A mapping, or a list of mappings: the keys each mapping takes (a fact's figure, label...).
    parts: tuple["Field", ...] = ()

    @property
    def model_field(self) -> str:
        return self.column or self.name

    @property
    def default(self):
        default = DEFAULTS[self.value]
        return list(default) if isinstance(default, tuple) else default


# A quote may be pinned to one capture of its source: `capture: first` or `capture: 2026-06-01`
# (programs.captures). Unpinned, it is checked against the source's newest capture.
PIN = Field("capture", "str")
FACT_PARTS = (
    Field("figure", "str", required=True),
    Field("label", "str", required=True),
    Field("source", "str", required=True),
    Field("quote", "str", required=True),
    PIN,
)
TERM_QUOTE_PARTS = (Field("source", "str", required=True), Field("text", "str", required=True), PIN)
FAQ_SOURCE_PARTS = (Field("id", "str", required=True), Field("quote", "str", required=True), PIN)


def part_names(parts: tuple[Field, ...], required: bool | None = None) -> set[str]:
    return {p.name for p in parts if required is None or p.required == required}


@dataclass(frozen=True)
class Kind:
    name: str  # a record's KIND: "program"; also Revision.kind and the search result kind
    folder: str  # its folder in content/ and its attribute of a ContentSet: "programs"
    model_name: str  # "Program"
    label: str  # what a reader calls one, as search results label it
    fields: tuple[Field, ...]
    link: str | None = None  # an internal link to it in markdown: [NFOP](program:slug)
    url_name: str | None = None  # the route of a record's page (None: the route is the slug)
    anchored: bool = False  # records share one page, each at its own anchor (the FAQ)
    # The fields of its translation, content/es/<folder>/<slug>.md (programs.translations):
    # translated words only (a fact's figure in Spanish words, its numbers unchanged); facts,
    # quotes, sources and the tree stay in the English file.
    translated: tuple[Field, ...] = ()

    @property
    def model(self):
        return apps.get_model("programs", self.model_name)

    @cached_property
    def schema(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def url(self, slug: str) -> str:
        if self.url_name is None:
            return reverse(slug)
        if self.anchored:
            return f"{reverse(self.url_name)}#{slug}"
        return reverse(self.url_name, args=[slug])


def _fields(*specs) -> tuple[Field, ...]:
    return tuple(Field(*spec) if isinstance(spec, tuple) else spec for spec in specs)


SOURCE = Kind(
    name="source",
    folder="sources",
    model_name="Source",
    label=_("Source"),
    link="source",
    url_name="source_detail",
    fields=_fields(
        Field("id", "str", required=True, column="source_id"),
        ("title", "str", True),
        ("short_name", "str", True),
        ("kind", "str", True),
        ("date_line", "str"),
        ("date", "date"),
        ("latest_year", "int", True),
        Field("capture", "str", required=True, column="capture_file"),
        ("reviewed", "date", True),
    ),
    translated=_fields(
        ("title", "str", True),
        ("short_name", "str", True),
        ("kind", "str", True),
    ),
)
PROGRAM = Kind(
    name="program",
    folder="programs",
    model_name="Program",
    label=_("Program"),
    link="program",
    url_name="program_detail",
    fields=_fields(
        ("title", "str", True),
        ("acronym", "str"),
        Field("other_names", "list", stored=False),
        Field("parent", "str", stored=False),
        Field("also_parents", "list", stored=False),
        ("order", "int"),
        ("summary", "str", True),
        Field("sources", "list", required=True, stored=False),
        Field("facts", "list", stored=False, parts=FACT_PARTS),
        ("glossary_links", "bool"),
        ("reviewed", "date", True),
    ),
    translated=_fields(
        ("title", "str", True),
        ("summary", "str", True),
        ("names", "names"),
        ("facts", "list"),
    ),
)
TERM = Kind(
    name="term",
    folder="glossary",
    model_name="GlossaryTerm",
    label=_("Glossary term"),
    link="term",
    url_name="glossary_term",
    fields=_fields(
        ("term", "str", True),
        ("acronyms", "names"),
        ("also_known_as", "names"),
        Field("related", "names", stored=False),
        Field("see_also", "names", stored=False),
        Field("sources", "list", required=True, stored=False),
        Field("quote", "mapping", stored=False, parts=TERM_QUOTE_PARTS),
        ("defined_in_sources", "bool"),
        ("autolink", "bool"),
        ("reviewed", "date", True),
    ),
    translated=_fields(
        ("term", "str", True),
        ("aliases", "names"),
        ("quote", "str"),
    ),
)
QUESTION = Kind(
    name="question",
    folder="faq",
    model_name="Question",
    label=_("Question"),
    link="faq",
    url_name="faq",
    anchored=True,
    fields=_fields(
        ("question", "str", True),
        ("topic", "str", True),
        ("order", "int"),
        ("most_asked", "int"),
        Field("related", "names", stored=False),
        Field("sources", "list", required=True, stored=False, parts=FAQ_SOURCE_PARTS),
        ("glossary_links", "bool"),
        ("reviewed", "date", True),
    ),
    translated=_fields(
        ("question", "str", True),
        ("quotes", "names"),
    ),
)
PAGE = Kind(
    name="page",
    folder="pages",
    model_name="Page",
    label=_("Page"),
    fields=_fields(
        ("title", "str", True),
        ("summary", "str", True),
        Field("sources", "list", stored=False),
        ("reviewed", "date", True),
    ),
    translated=_fields(
        ("title", "str", True),
        ("summary", "str", True),
    ),
)

# In the order they are read and written: sources first (everything cites them), then the
# glossary (program and FAQ bodies link its terms).
KINDS = (SOURCE, TERM, PROGRAM, QUESTION, PAGE)
BY_NAME = {kind.name: kind for kind in KINDS}
BY_FOLDER = {kind.folder: kind for kind in KINDS}
BY_LINK = {kind.link: kind for kind in KINDS if kind.link}

# A page is shown by the route of the same name.
PAGE_SLUGS = ("home", "about", "resources")
# FAQ topics, in the order the FAQ page shows them.
FAQ_TOPICS = (
    "Finding someone and getting help",
    "Detention and health care",
    "Release and alternatives to detention",
    "Removal and court hearings",
    "Arrests and fugitive operations",
    "Jails, prisons and 287(g)",
    "Other ways to contact ICE",
    "About ERO",
)
