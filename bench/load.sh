#!/usr/bin/env bash
# Requests per second and latency of the production server, per URL, at 32 connections.
#
#   bash bench/load.sh                      # 10 s per URL, gunicorn with 5 workers
#   DURATION=30 WORKERS=4 bash bench/load.sh
#   TOOL=python bash bench/load.sh          # bench/loadgen.py even when wrk is installed
#
# Serves production settings with gunicorn on a free port of 127.0.0.1, from a scratch SQLite
# database (the developer's db.sqlite3 is not touched). Uses wrk if installed, otherwise
# bench/loadgen.py. Figures: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}        # seconds per URL
CONNECTIONS=${CONNECTIONS:-32}
WORKERS=${WORKERS:-5}           # 2 * cores + 1 on the 2-core bench machine
WARMUP=${WARMUP:-2}             # seconds per URL before measuring: fills each worker's cache
TOOL=${TOOL:-auto}              # auto: wrk if installed; python: bench/loadgen.py
PY=.venv/bin/python

TMP=$(mktemp -d /tmp/load-bench.XXXXXX)
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# Production settings, plain HTTP on the loopback only.
unset DJANGO_DEBUG
export DATABASE_URL="sqlite:///$TMP/bench.sqlite3"
export DJANGO_SECURE_SSL_REDIRECT=0
export DJANGO_ALLOWED_HOSTS=127.0.0.1
DJANGO_SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY

echo "Preparing scratch database and static files in $TMP ..."
$PY manage.py migrate --no-input -v0
$PY manage.py load_content >"$TMP/load.log"
$PY manage.py collectstatic --no-input -v0

PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DJANGO_SITE_URL="http://127.0.0.1:$PORT"
.venv/bin/gunicorn iceinfo.wsgi -c gunicorn.conf.py --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --log-level warning >"$TMP/server.log" 2>&1 &
server=$!

# Wait (at most 30 s) until the home page answers; prints the stylesheet's hashed path.
CSS=$($PY - "$PORT" <<'EOF'
import re, sys, time, urllib.request
for _ in range(150):
    try:
        html = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=2).read()
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("the server did not answer within 30 s")
print(re.search(rb'<link rel="stylesheet" href="([^"]+)"', html).group(1).decode())
EOF
) || { cat "$TMP/server.log"; exit 1; }

URLS=(
    /
    /programs/national-fugitive-operations-program/
    /glossary/
    "/glossary/?q=FOT"
    "/search/?q=fugitive"
    "$CSS"
)
PROGRAM=/programs/national-fugitive-operations-program/

# One line per run: "requests req/s p50_ms p99_ms errors".
if [ "$TOOL" = auto ] && command -v wrk >/dev/null; then
    TOOL="wrk $({ wrk -v 2>&1 || true; } | head -1 | awk '{print $2}'), 2 threads"  # wrk -v exits 1
    # wrk's own report is human-oriented; this Lua hook prints the figures in one line.
    # Errors: socket errors (connect, read, write, timeout) plus non-2xx/3xx responses.
    cat >"$TMP/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.1f %.2f %.2f %d\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout + e.status))
end
EOF
    measure() {  # url seconds
        wrk -t2 -c"$CONNECTIONS" -d"${2}s" --timeout 30s -s "$TMP/report.lua" \
            -H 'Accept-Encoding: gzip' "http://127.0.0.1:$PORT$1" | sed -n 's/^RESULT //p'
    }
else
    TOOL="bench/loadgen.py (Python threads, http.client)"
    measure() {
        $PY bench/loadgen.py --port "$PORT" -c "$CONNECTIONS" -d "$2" --machine \
            -H 'Accept-Encoding: gzip' "$1"
    }
fi

echo "Server: gunicorn, $WORKERS sync workers, production settings, SQLite; port $PORT"
echo "Client: $TOOL; $CONNECTIONS connections, ${DURATION} s per URL, Accept-Encoding: gzip"
# The client shares the cores with the server, and so does anything else running.
echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| URL | req/s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|"
declare -A RPS
for url in "${URLS[@]}"; do
    measure "$url" "$WARMUP" >/dev/null
    read -r _requests rps p50 p99 errors <<<"$(measure "$url" "$DURATION")"
    [ -n "${rps:-}" ] || { echo "no result for $url"; cat "$TMP/server.log"; exit 1; }
    RPS[$url]=$rps
    echo "| $url | $rps | $p50 | $p99 | $errors |"
done
echo
awk -v p="${RPS[$PROGRAM]}" -v s="${RPS[$CSS]}" 'BEGIN {
    pct = 100 * p / s
    printf "Program page throughput: %.0f%% of the static file'"'"'s (goal: 60%% or more): %s\n",
        pct, (pct >= 60 ? "met" : "NOT met")
}'
