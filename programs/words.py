"""Text as search sees it: folded to lower case without accents, split into words, stemmed.

The loader checks the search vocabulary (content/search/) with these same functions that the
search uses, so a word an editor writes there is read exactly as a query's word is.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD_CHARS = "0-9a-z"  # what a search word is made of, once folded
WORD_PATTERN = re.compile(f"[{WORD_CHARS}]+")
# Snowball's English (Porter 2) stemmer: "deported", "deportation" and "deport" all become
# "deport". A maintained algorithm, rather than suffix rules of our own that would miss cases.
# Spanish pages' searches use Snowball's Spanish stemmer ("fianzas" -> "fianz"), on the same
# folded words, so "detención" and "detencion" are one word.
_STEMMERS = {"en": snowballstemmer.stemmer("english"), "es": snowballstemmer.stemmer("spanish")}


def fold(text: str) -> str:
    """Lower case without accents, so 'Guzmán' matches 'guzman' and 'CAP' matches 'cap'."""
    folded = text.casefold()
    if folded.isascii():  # nothing to decompose: the common case, done in C
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return WORD_PATTERN.findall(fold(text))


def compact(text: str) -> str:
    """Letters and digits only: '287 (g)', '287g' and '287(g)' all become '287g'."""
    return "".join(words(text))


@lru_cache(maxsize=65536)
def stem(word: str, language: str = "en") -> str:
    """The stem of one folded word. Numbers and codes ('287g') are left as they are."""
    if not word.isalpha():
        return word
    return _STEMMERS[language].stemWord(word)


def phrase_key(text: str, language: str = "en") -> tuple[str, ...]:
    """A word or phrase as the stems of its words: how synonyms are matched and compared."""
    return tuple(stem(w, language) for w in words(text))
