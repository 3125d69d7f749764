"""One example address for each kind of page the site serves: the browser layout test and
bench/screenshots.py both walk this list, so a new page type is checked and pictured alike."""

PAGE_TYPES = {
    "home": "/",
    "program-list": "/programs/",
    "program-root": "/programs/enforcement-and-removal-operations/",
    "program": "/programs/national-fugitive-operations-program/",
    "program-history": "/programs/rapid-repat/history/",
    "glossary": "/glossary/",
    "glossary-results": "/glossary/?q=FOT",
    "glossary-no-results": "/glossary/?q=zzqq",
    "glossary-term": "/glossary/fugitive-alien/",
    "faq": "/faq/",
    "search": "/search/",
    "search-results": "/search/?q=detention",
    "search-off-topic": "/search/?q=green+card",
    "sources": "/sources/",
    "source": "/sources/ero-page/",
    "source-changes": "/sources/ero-page/changes/",
    "resources": "/resources/",
    "about": "/about/",
    "not-found": "/no-such-page/",
}
# Status each example answers with, where it is not 200.
STATUS = {"not-found": 404}
