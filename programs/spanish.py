"""How Spanish text is cut into search words: lower case, Spanish stop words left out, each word
stemmed with the Snowball project's Spanish stemmer (snowballstemmer), then accents folded.

So "fianzas", "fianza" and "Fianza" are one word, and "detención" typed as "detencion" still
matches; the search ranks an exact accent higher (programs.search).
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("spanish")
_TOKEN = re.compile(r"[^\W_]+")

# Words too common to tell entries apart. snowballstemmer ships no stop list; these are the
# most frequent words of the Snowball project's Spanish list (articles, prepositions, pronouns,
# conjunctions and forms of ser/estar/haber), accents folded.
STOP_WORDS = frozenset(
    """
    a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante
    e el ella ellas ellos en entre era eran es esa esas ese eso esos esta estan estas este esto
    estos fue fueron ha han hasta hay la las le les lo los mas me mi mis mucho muy ni no nos o
    otra otras otro otros para pero poco por porque que quien se ser si sin sobre son su sus
    tambien te tiene tienen todo todos tu tus u un una uno unos y ya yo
    """.split()  # noqa: SIM905 (a list of words reads best as one)
)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A lower-case word's stem, accents folded: "detenidos" -> "deten"."""
    return fold(_STEMMER.stemWord(word))


def spanish_words(text: str) -> list[str]:
    """The search words of a Spanish text, in order."""
    return [stem(w) for w in _TOKEN.findall(text.casefold()) if fold(w) not in STOP_WORDS]
