"""How hard the Spanish a reader meets first is to read: the Szigriszt-Pazos perspicuity index
(textstat), read on the INFLESZ scale.

Why this index and not Fernández Huerta: Szigriszt-Pazos was built and validated for Spanish,
and the INFLESZ scale (Barrio-Cantalejo and others, 2008) gives it bands tested on health
information for patients, the closest published use to ours: below 40 "muy difícil", 40-55
"algo difícil", 55-65 "normal", 65-80 "bastante fácil", above 80 "muy fácil". Fernández Huerta
is Flesch's formula with Spanish coefficients; it was never validated against Spanish readers
and is usually quoted with a transcription error in its coefficients, so its numbers are hard
to compare with anyone else's.

textstat counts Spanish syllables with Pyphen's Spanish hyphenation dictionary, which ships in
the pyphen package: nothing is downloaded. A separate textstat instance keeps the English
measure (programs.readability) in English.
"""

import statistics

from textstat.textstat import textstatistics

from .readability import Measured, opening

# Targets, as the English grade targets: the median of each kind of first-read text is
# "bastante fácil", and none is "muy difícil".
MEDIAN_EASE = 65
MIN_EASE = 40

_SPANISH = textstatistics()
_SPANISH.set_lang("es")


def ease(text: str) -> float:
    """Szigriszt-Pazos perspicuity: higher is easier (INFLESZ scale, 0-100)."""
    return _SPANISH.szigriszt_pazos(text) if text else 100.0


def first_read(content) -> dict[str, list[Measured]]:
    """Spanish program summaries and the openings of FAQ answers and glossary entries."""
    found: dict[str, list[Measured]] = {"summary": [], "FAQ opening": [], "glossary opening": []}
    for (_language, kind, _slug), rec in content.translations.items():
        doc = rec["_doc"]
        if kind == "program":
            text = rec["fields"].get("summary", "")
            found["summary"].append(
                Measured(doc.display, doc.line("summary"), "summary", "summary", text)
            )
        elif kind in ("question", "term"):
            what = "FAQ opening" if kind == "question" else "glossary opening"
            found[what].append(
                Measured(doc.display, doc.body_line, "body", what, opening(rec["body_html"]))
            )
    return found


def median_ease(items: list[Measured]) -> float:
    return statistics.median(ease(item.text) for item in items)


def readability_warnings(content) -> list[str]:
    """A Spanish summary or opening that reads as "muy difícil"."""
    warnings = []
    for items in first_read(content).values():
        for item in items:
            score = ease(item.text)
            if score < MIN_EASE:
                warnings.append(
                    f"{item.path}:{item.line}: {item.field}: the {item.what} reads at "
                    f"{score:.0f} (Szigriszt-Pazos; below {MIN_EASE} is 'muy difícil'); "
                    "use shorter sentences and common words"
                )
    return warnings
