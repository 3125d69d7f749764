"""schema.org data for the glossary, a term and the FAQ, as JSON safe inside a <script> tag."""

import json

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .markdown import first_paragraph, plain_text
from .site_address import absolute_url

# The same escaping as Django's json_script: no "<", ">" or "&" can end the script early.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def as_script(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)


def _term_code(term) -> dict:
    return {"termCode": ", ".join(term.acronyms)} if term.acronyms else {}


def glossary(terms) -> str:
    """The glossary as a DefinedTermSet."""
    return as_script(
        {
            "@context": "https://schema.org",
            "@type": "DefinedTermSet",
            "@id": absolute_url(reverse("glossary")),
            "name": str(_("Glossary of ICE Enforcement and Removal Operations terms")),
            # Each term's definition is in the JSON-LD of its own page; here, names and links
            # keep the glossary page light.
            "hasDefinedTerm": [
                {
                    "@type": "DefinedTerm",
                    "name": t.term,
                    **_term_code(t),
                    "url": absolute_url(t.get_absolute_url()),
                }
                for t in terms
            ],
        }
    )


def term(term) -> str:
    return as_script(
        {
            "@context": "https://schema.org",
            "@type": "DefinedTerm",
            "name": term.term,
            **_term_code(term),
            "description": plain_text(term.body_html),
            "url": absolute_url(term.get_absolute_url()),
            "inDefinedTermSet": absolute_url(reverse("glossary")),
        }
    )


def faq(questions) -> str:
    """An FAQPage of exactly the questions shown."""
    return as_script(
        {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": q.question,
                    # The opening answers the question (the style guide's rule); the page
                    # shows the rest, and repeating it all here doubles the page.
                    "acceptedAnswer": {
                        "@type": "Answer",
                        "text": plain_text(first_paragraph(q.body_html)),
                    },
                }
                for q in questions
            ],
        }
    )
