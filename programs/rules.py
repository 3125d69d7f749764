"""The content rules, each one plain function that the loader (`programs.content`) and the admin
(`programs.editing`, `programs.admin`) both call, so that a file and an admin form get the same
answer in the same words.

A rule takes plain values and returns the problem as a message, or None (a list when it can
find several). Where the message goes (a file's `path:line: field:`, or a form field) is the
caller's business.
"""

import re
from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache

from .captures import key_label
from .content_files import normalize_space, suggest
from .kinds import BY_LINK, FAQ_SOURCE_PARTS, FAQ_TOPICS, part_names


class Cycle(Exception):
    """A chain of parents that comes back to where it started."""


@lru_cache(maxsize=16)
def _normalized(text: str) -> str:
    """A source's text, normalized once however many quotes are checked against it."""
    return normalize_space(text)


def quote_problem(quote: str, sid: str, source_text: str) -> str | None:
    """A quote must occur in its source's text, ignoring differences of white space."""
    if normalize_space(quote) not in _normalized(source_text):
        return f'does not occur in source "{sid}"'
    return None


# A source's captures as the quote rules take them: (key, text) pairs, oldest first.
Captures = Sequence[tuple[str, str]]


def pin_problem(pin: str, sid: str, captures: Captures) -> str | None:
    """A pin (`capture: first`, `capture: 2026-06-01`) must name one of the source's captures."""
    keys = [key for key, _text in captures]
    if pin not in keys:
        return f'source "{sid}" has no capture {pin!r} (its captures: {", ".join(keys)})'
    return None


def captured_quote_problem(quote: str, sid: str, captures: Captures, pin: str = "") -> str | None:
    """A quote pinned to a capture must occur in that capture; any other quote in the source's
    newest capture. The message names the capture, and where the quote still occurs in an
    earlier one, the pin that would keep it. (The pin itself: `pin_problem`.)"""
    if pin:
        text = dict(captures).get(pin)
        if text is not None and normalize_space(quote) not in _normalized(text):
            return f'does not occur in source "{sid}" as {key_label(pin)} gives it'
        return None
    newest, text = captures[-1]
    problem = quote_problem(quote, sid, text)
    if problem is None or len(captures) == 1:
        return problem
    older = [key for key, t in captures[:-1] if normalize_space(quote) in _normalized(t)]
    keep = (
        f"pin it to {key_label(older[-1])}, where it occurs (capture: {older[-1]}), "
        if older
        else ""
    )
    return f"{problem} as {key_label(newest)}, its newest, gives it: update it, {keep}or remove it"


def figure_problem(figure, quote: str) -> str | None:
    """A fact's figure must occur in its quote, as written there."""
    if normalize_space(str(figure)) not in normalize_space(quote):
        return f"{figure!r} does not occur in quote"
    return None


def date_line_problem(date_line: str, text: str) -> str | None:
    """A source's date line is quoted from its captured text."""
    if date_line and date_line not in text:
        return "does not occur in the captured text"
    return None


def source_id_problem(sid: str, known: Collection[str]) -> str | None:
    if sid not in known:
        return f'unknown source id "{sid}"'
    return None


def fact_source_problem(sid: str, known: Collection[str], cited: Collection[str]) -> str | None:
    """A fact's source must exist and be one of the sources its page cites."""
    if sid not in known:
        return f'unknown source id "{sid}"'
    if sid not in cited:
        return f'"{sid}" is not in sources'
    return None


def faq_source_problems(item, source_captures: Mapping[str, Captures]) -> list[tuple[str, str]]:
    """An FAQ answer's source: an id and a quote (and a pin, if it has one), the quote found
    in that source's newest capture or the one it is pinned to. Returns (where, message)
    pairs; `where` is "" for the item itself, else "id", "quote" or "capture"."""
    required, allowed = part_names(FAQ_SOURCE_PARTS, True), part_names(FAQ_SOURCE_PARTS)
    if not isinstance(item, dict) or not required <= set(item) <= allowed:
        return [("", "must have exactly 'id' and 'quote' (and 'capture' to pin it)")]
    sid = str(item["id"])
    if sid not in source_captures:
        return [("id", f'unknown source id "{sid}"')]
    pin = str(item.get("capture") or "")
    problem = pin and pin_problem(pin, sid, source_captures[sid])
    if problem:
        return [("capture", problem)]
    problem = captured_quote_problem(str(item["quote"]), sid, source_captures[sid], pin)
    return [("quote", problem)] if problem else []


def topic_problem(topic: str) -> str | None:
    if topic not in FAQ_TOPICS:
        return f"unknown topic{suggest(topic, FAQ_TOPICS)}"
    return None


def unit_naming_problem(
    names: list[str], title: str, sid: str, short_name: str, source_text: str
) -> str | None:
    """A page cites a source only if the source names the unit: its title, acronym or one of
    its other names (`names`) as whole words, ignoring case and white space ("ERO" inside
    "interoperability" is no mention). A source that does not mention the unit is a sentence in
    the text ("the ERO page does not mention it"), not a citation. A page about a source itself
    (its title names the source, like the group of programs on the older partners page) may
    cite that source."""
    if any(mentions(n, source_text) for n in names if n):
        return None
    if (
        normalize_space(short_name).casefold().removeprefix("the ")
        in normalize_space(title).casefold()
    ):
        return None
    return (
        f'source "{sid}" does not name this unit (its title, acronym or other names); '
        "cite only sources that name it, and say in the text if a page does not"
    )


def mentions(name: str, text: str) -> bool:
    """The text names `name`: as whole words, ignoring case and white space."""
    return bool(name) and bool(_whole_words(name).search(_folded(text)))


@lru_cache(maxsize=16)
def _folded(text: str) -> str:
    return normalize_space(text).casefold()


def _whole_words(name: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(normalize_space(name).casefold())}(?!\w)")


def ancestors(slug: str, parent_of: Mapping[str, str | None]) -> list[str]:
    """The chain of parents of `slug`, root first; Cycle if it comes back to itself.

    `parent_of` maps each program's slug to its parent's (None for a root); a parent missing
    from it ends the chain (the missing parent is reported on its own).
    """
    chain: list[str] = []
    node = parent_of.get(slug)
    while node is not None:
        if node == slug or node in chain:
            raise Cycle("makes a cycle: " + " -> ".join([slug, *reversed(chain), node]))
        chain.insert(0, node)
        node = parent_of.get(node)
    return chain


def tree_order_key(chain: list[tuple[int, str]]) -> str:
    """Sorts the whole tree in reading order. `chain`: (order, slug) from the root down to the
    program itself: "0002-enforcement/0001-criminal-apprehension-program"."""
    return "/".join(f"{order:04d}-{slug}" for order, slug in chain)


def link_problem(kind: str, slug: str, slugs_of_kind: Collection[str] | None) -> str | None:
    """An internal link must name a kind of page and a page of that kind that exists.

    `slugs_of_kind`: every slug of that kind, or None when `kind` is not a kind of link.
    """
    if kind not in BY_LINK or slugs_of_kind is None:
        known = ", ".join(f"{k}:" for k in BY_LINK)
        return f"link to {kind}:{slug}: unknown kind of link (use {known})"
    if slug not in slugs_of_kind:
        return f"link to {kind}:{slug}: no such {kind}{suggest(slug, slugs_of_kind)}"
    return None


def name_conflicts(names_by_slug: Mapping[str, list[str]]) -> dict[tuple[str, int], str]:
    """A term or an acronym may be defined once. `names_by_slug`: each entry's names (its term
    first, then its acronyms). Returns a message for every (slug, position of the name) that
    repeats a name of another entry, ignoring case."""
    owners: dict[str, set[str]] = {}
    for slug, names in names_by_slug.items():
        for name in names:
            owners.setdefault(name.casefold(), set()).add(slug)
    conflicts = {}
    for slug, names in names_by_slug.items():
        for i, name in enumerate(names):
            others = owners[name.casefold()] - {slug}
            if others:
                conflicts[(slug, i)] = f"'{name}' is already defined in {', '.join(sorted(others))}"
    return conflicts
