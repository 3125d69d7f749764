"""The language of a request, and the translated text its records carry.

English is at `/`, Spanish at `/es/` + the same path, in the served site and the static export
alike: switching language is a prefix swap. The language comes from the path alone. Django's
LocaleMiddleware would also read Accept-Language and a cookie and mark every English response
`Vary: Accept-Language`, so each cache in front of the site would keep a copy per browser
language of pages that never change with it; this middleware does neither.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import READING_LANGUAGE, ContentVersion, Fact, Program, Translation

ENGLISH = settings.LANGUAGE_CODE
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != ENGLISH]
# Each language's name in itself, for the link to a page's twin.
NAMES = {"en": "English", "es": "Español"}

# The FAQ's topics are English strings in the content files; these are their names on a page.
FAQ_TOPIC_NAMES = {
    "Finding someone and getting help": _("Finding someone and getting help"),
    "Detention and health care": _("Detention and health care"),
    "Release and alternatives to detention": _("Release and alternatives to detention"),
    "Removal and court hearings": _("Removal and court hearings"),
    "Arrests and fugitive operations": _("Arrests and fugitive operations"),
    "Jails, prisons and 287(g)": _("Jails, prisons and 287(g)"),
    "Other ways to contact ICE": _("Other ways to contact ICE"),
    "About ERO": _("About ERO"),
}


def language_of_path(path: str) -> str:
    for code in OTHER_LANGUAGES:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return code
    return ENGLISH


def path_in(language: str, path: str) -> str:
    """The same page in `language`: /programs/x/ <-> /es/programs/x/."""
    current = language_of_path(path)
    english = path if current == ENGLISH else path[len(current) + 1 :] or "/"
    return english if language == ENGLISH else f"/{language}{english}"


# --- Records with their translated text ------------------------------------------------------
# What each kind's translation sets on a record, by the record's attribute name.
ATTRIBUTES = {
    "program": ("title", "summary"),
    "term": ("term",),
    "question": ("question",),
    "page": ("title", "summary"),
    "source": ("title", "short_name", "kind"),
}


@dataclass
class Overlay:
    """One language's translations, applied to records as they are read from the database."""

    language: str
    records: dict[tuple[str, str], Translation] = field(default_factory=dict)
    facts: dict[int, list[dict]] = field(default_factory=dict)  # by program pk

    def apply(self, obj) -> None:
        obj.translated_for_reading = True
        if isinstance(obj, Fact):
            self._apply_fact(obj)
            return
        found = self.records.get((obj.KIND, obj.__dict__.get("slug")))
        # The language the record's words are in: a record with no translation yet shows
        # its English text, marked as English.
        obj.text_language = self.language if found else ENGLISH
        if found is None:
            return
        for name in ATTRIBUTES[obj.KIND]:
            setattr(obj, name, found.fields[name])
        obj.body_html, obj.toc = found.body_html, found.toc
        obj.translated_names = found.fields.get("names") or found.fields.get("aliases") or []
        obj.quote_translation = found.fields.get("quote", "")
        obj.quote_translations = found.fields.get("quotes", [])
        if "ancestors" in obj.__dict__:
            obj.ancestors = [
                [slug, self.title_of("program", slug) or title, acronym]
                for slug, title, acronym in obj.ancestors
            ]

    def _apply_fact(self, fact: Fact) -> None:
        translated = self.facts.get(fact.__dict__.get("program_id"), [])
        if fact.order < len(translated):
            words = translated[fact.order]
            fact.label = words["label"]
            fact.quote_translation = words["quote"]
            if words.get("figure"):
                fact.figure, fact.figure_in_english = words["figure"], False

    def title_of(self, kind: str, slug: str) -> str | None:
        found = self.records.get((kind, slug))
        return found.fields.get("title") if found else None

    def has(self, kind: str, slug: str) -> bool:
        return (kind, slug) in self.records


def overlay(language: str) -> Overlay:
    return _overlay(ContentVersion.current(), language)


@lru_cache(maxsize=4)
def _overlay(version: int, language: str) -> Overlay:
    found = Overlay(language)
    rows = Translation.objects.filter(language=language).defer("file_text")
    found.records = {(t.kind, t.slug): t for t in rows}
    pks = dict(Program.objects.values_list("slug", "pk"))
    for (kind, slug), t in found.records.items():
        if kind == "program" and slug in pks:
            found.facts[pks[slug]] = t.fields.get("facts", [])
    return found


def is_translated(kind: str, slug: str, language: str = "es") -> bool:
    return overlay(language).has(kind, slug)


def with_translations(queryset):
    """Records that know whether each other language has their translation, in the same query
    (`translated_es`): a record's page needs it for its language link and hreflang."""
    kind = queryset.model.KIND
    return queryset.annotate(
        **{
            f"translated_{code}": Exists(
                Translation.objects.filter(language=code, kind=kind, slug=OuterRef("slug"))
            )
            for code in OTHER_LANGUAGES
        }
    )


def only_english(record) -> dict:
    """Template context for a page about one record (read `with_translations`): whether it
    exists only in English. No record (a page with no content yet) has no translation to miss."""
    if record is None:
        return {"only_english": False}
    missing = [code for code in OTHER_LANGUAGES if not getattr(record, f"translated_{code}")]
    return {"only_english": bool(missing)}


class _ReadingIn:
    """The overlay of a language, built at the first record read: a page served from the page
    cache reads none, and costs no query for it."""

    def __init__(self, language: str):
        self.language = language
        self.overlay: Overlay | None = None

    def apply(self, obj) -> None:
        if self.overlay is None:
            self.overlay = overlay(self.language)
        self.overlay.apply(obj)


class LanguageFromPathMiddleware:
    """Activate the language the path names, and read records in it, for this request only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_of_path(request.path_info)
        request.LANGUAGE_CODE = language
        with translation.override(language):
            token = READING_LANGUAGE.set(_ReadingIn(language) if language != ENGLISH else None)
            try:
                response = self.get_response(request)
            finally:
                READING_LANGUAGE.reset(token)
        response.headers.setdefault("Content-Language", language)
        return response
