"""The links between a page and its twin in the other language.

`{% language_links as links %}` gives `links.twins` (the plain link a reader follows),
`links.alternates` (hreflang links for search engines) and `links.noindex`. A page that exists
only in English (its record has no translation yet) is left out of hreflang and kept out of
search engines in Spanish; the English page then offers no link to it.
"""

from urllib.parse import urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe

from programs.i18n import ENGLISH, NAMES, path_in

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> dict:
    links = {"twins": [], "alternates": [], "noindex": False}
    canonical = context.get("canonical_url")
    if context.get("no_twin") or not canonical:
        return links
    current = translation.get_language()
    only_english = context.get("only_english", False)
    parts = urlsplit(canonical)
    for code, _name in settings.LANGUAGES:
        path = path_in(code, parts.path)
        if not only_english:
            links["alternates"].append((code, urlunsplit(parts._replace(path=path))))
        if code != current and (code == ENGLISH or not only_english):
            links["twins"].append((code, NAMES[code], urlunsplit(("", "", path, parts.query, ""))))
    links["noindex"] = only_english and current != ENGLISH
    return links


@register.filter
def lang_attr(record) -> str:
    """` lang="en"` on the words of a record shown untranslated on a page in another language."""
    language = getattr(record, "text_language", None)
    if language and language != translation.get_language():
        return mark_safe(f' lang="{language}"')  # noqa: S308 (a language code of LANGUAGES)
    return ""
