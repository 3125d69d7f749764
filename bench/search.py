"""Server time per query for the glossary search and the site search.

Runs against a scratch SQLite database: first the real content, then a synthetic set of
10,000 glossary terms, 2,000 programs and 1,000 questions. Prints p50/p95 per search.

    .venv/bin/python bench/search.py            # both sizes
"""

import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = tempfile.mkdtemp(prefix="search-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iceinfo.settings")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from programs.models import (  # noqa: E402
    ContentVersion,
    GlossaryTerm,
    Program,
    Question,
    Translation,
)

# Acronyms with and without punctuation, an older name, misspellings, common words, a word that
# matches nothing; then questions in a family's words (synonyms, filler, word forms) and a
# subject the site does not cover.
QUERIES = [
    *("FOT", "287g", "i.s.a.p", "Criminal Alien Program", "fugitve", "detainr", "bond"),
    *("removal flights", "alien", "zzqqx", "the", "fingerprints"),
    *("locate detained relative", "where is my husband", "how do I find my son in ICE jail"),
    *("deported", "lawyer for detained person", "detension", "green card"),
]
# Spanish queries, typed with and without accents, one misspelt, one of stop words only.
QUERIES_ES = [
    *("fianza", "orden de expulsión", "orden de expulsion", "detención", "fugitvo"),
    *("localizador de detenidos", "atencion medica", "alternativas a la detención"),
    *("bond", "zzqqx", "de la", "FOT"),
]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))


def time_queries(client: Client, path: str, queries=QUERIES) -> list[float]:
    for query in queries:  # warm the per-version index
        client.get(path, {"q": query})
    samples, slowest = [], {}
    for _ in range(ROUNDS):
        for query in queries:
            start = time.perf_counter()
            response = client.get(path, {"q": query})
            elapsed = (time.perf_counter() - start) * 1000
            samples.append(elapsed)
            slowest[query] = max(elapsed, slowest.get(query, 0))
            assert response.status_code == 200
    if os.environ.get("BENCH_VERBOSE"):
        print(path, {q: round(t, 1) for q, t in sorted(slowest.items(), key=lambda x: -x[1])})
    return samples


def report(label: str, samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100)
    return f"| {label} | {len(samples)} | {q[49]:.1f} | {q[94]:.1f} | {max(samples):.1f} |"


WORDS = [
    "removal",
    "detention",
    "custody",
    "fugitive",
    "program",
    "division",
    "office",
    "center",
    "unit",
    "bond",
    "case",
    "field",
    "operations",
    "enforcement",
    "national",
    "criminal",
    "support",
    "team",
    "management",
    "docket",
    "transport",
    "health",
    "service",
    "analysis",
    "system",
    "release",
    "supervision",
    "flight",
]


def phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def add_synthetic(terms: int, programs: int, questions: int) -> None:
    rng = random.Random(7)
    today = datetime.date(2026, 11, 22)
    ero = Program.objects.get(slug="enforcement-and-removal-operations")
    Program.objects.bulk_create(
        Program(
            slug=f"synthetic-program-{i}",
            title=f"Synthetic {phrase(rng, 3)} {i}",
            acronym=f"SP{i}",
            parent=ero,
            depth=1,
            summary=phrase(rng, 15),
            body_html=f"<p>{phrase(rng, 120)}</p>",
            reviewed=today,
        )
        for i in range(programs)
    )
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(
            slug=f"synthetic-term-{i}",
            term=f"{phrase(rng, 2).title()} {i}",
            acronyms=[f"ST{i}"],
            also_known_as=[phrase(rng, 2)],
            body_html=f"<p>{phrase(rng, 40)}</p>",
            body="x",
            reviewed=today,
        )
        for i in range(terms)
    )
    Question.objects.bulk_create(
        Question(
            slug=f"synthetic-question-{i}",
            question=f"What is {phrase(rng, 3)}?",
            topic="About ERO",
            body_html=f"<p>{phrase(rng, 60)}</p>",
            body="x",
            reviewed=today,
        )
        for i in range(questions)
    )
    # Every synthetic record translated too, so the Spanish indexes are as large as the English.
    translations = [
        translation(
            "program",
            f"synthetic-program-{i}",
            frase(rng, 120),
            title=f"Sintético {frase(rng, 3)} {i}",
            summary=frase(rng, 15),
            names=[frase(rng, 2)],
            facts=[],
        )
        for i in range(programs)
    ]
    translations += [
        translation(
            "term",
            f"synthetic-term-{i}",
            frase(rng, 40),
            term=f"{frase(rng, 2).capitalize()} {i}",
            aliases=[frase(rng, 2)],
        )
        for i in range(terms)
    ]
    translations += [
        translation(
            "question",
            f"synthetic-question-{i}",
            frase(rng, 60),
            question=f"¿Qué es {frase(rng, 3)}?",
            quotes=[],
        )
        for i in range(questions)
    ]
    Translation.objects.bulk_create(translations)


def translation(kind: str, slug: str, body: str, **fields) -> Translation:
    return Translation(
        kind=kind, slug=slug, language="es", fields=fields, body_html=f"<p>{body}</p>"
    )


PALABRAS = [
    *("expulsión", "detención", "custodia", "fugitivo", "programa", "división", "oficina"),
    *("centro", "unidad", "fianza", "caso", "local", "operaciones", "control", "nacional"),
    *("delincuente", "apoyo", "equipo", "gestión", "lista", "traslado", "salud", "servicio"),
    *("análisis", "sistema", "liberación", "supervisión", "vuelo"),
]


def frase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(PALABRAS) for _ in range(n))


def main() -> None:
    # Measure the search itself: a repeated query would otherwise come from the page cache.
    settings.PAGE_CACHE = False
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production storage
    call_command("load_content", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client()
    rows = ["| content | queries | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|"]
    for label in ("real", "synthetic"):
        if label == "synthetic":
            add_synthetic(terms=10_000, programs=2_000, questions=1_000)
            ContentVersion.bump()
        size = (
            f"{GlossaryTerm.objects.count()} terms, {Program.objects.count()} programs, "
            f"{Question.objects.count()} questions"
        )
        rows.append(report(f"glossary, {label} ({size})", time_queries(client, "/glossary/")))
        rows.append(report(f"site search, {label} ({size})", time_queries(client, "/search/")))
        for path, name in (
            ("/es/glossary/", "Spanish glossary"),
            ("/es/search/", "Spanish site search"),
            ("/glossary/", "English glossary, Spanish queries"),
        ):
            samples = time_queries(client, path, QUERIES_ES)
            rows.append(report(f"{name}, {label} ({size})", samples))
        first = time.perf_counter()
        client.get("/search/", {"q": "bond", "fresh": label})
        rows.append(f"<!-- {label}: {(time.perf_counter() - first) * 1000:.0f} ms warm query -->")
    print("\n".join(r for r in rows if not r.startswith("<!--")))


if __name__ == "__main__":
    main()
