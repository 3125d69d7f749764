#!/usr/bin/env bash
# Fault checks against the production server (gunicorn, scratch SQLite, a copy of content/):
#   a. 64 connections for 30 s on a mix of pages: no errors
#   b. load_content run repeatedly while the site is under load: each page all-old or all-new
#   c. a load that fails under load changes nothing
#   d. build_site: skipped, not implemented yet
#
#   bash bench/faults.sh                    # about two minutes
#   FAULTS_DURATION=10 bash bench/faults.sh # shorter mix
#
# Every check prints PASS:/FAIL:; the last line sums up, and the exit status is 1 on any FAIL.
# Traffic only goes to 127.0.0.1 and comes from bench/faults.py (Python, bench/loadgen.py).
set -euo pipefail
cd "$(dirname "$0")/.."

WORKERS=${WORKERS:-5}   # 2 * cores + 1 on the 2-core bench machine
PY=.venv/bin/python

TMP=$(mktemp -d /tmp/faults-bench.XXXXXX)
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# Production settings, plain HTTP on the loopback; the server and every load_content read
# the same copy of the content, which the checks edit.
unset DJANGO_DEBUG
cp -r content "$TMP/content"
export CONTENT_DIR="$TMP/content"
export DATABASE_URL="sqlite:///$TMP/bench.sqlite3"
export DJANGO_SECURE_SSL_REDIRECT=0
export DJANGO_ALLOWED_HOSTS=127.0.0.1
DJANGO_SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY

echo "Preparing scratch database, content copy and static files in $TMP ..."
$PY manage.py migrate --no-input -v0
$PY manage.py load_content >"$TMP/load.log"
$PY manage.py collectstatic --no-input -v0

PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PORT
.venv/bin/gunicorn iceinfo.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --log-level warning >"$TMP/server.log" 2>&1 &
server=$!
$PY bench/faults.py wait || { cat "$TMP/server.log"; exit 1; }
echo "Server: gunicorn, $WORKERS sync workers, port $PORT; load: bench/loadgen.py"

failed=()
for check in mix variants broken; do
    echo
    echo "== $check"
    $PY bench/faults.py "$check" || failed+=("$check")
done
echo
echo "== build_site"
echo "SKIP: build_site (static export) is not implemented yet"

if [ -s "$TMP/server.log" ]; then
    echo
    echo "Server log (warnings and errors):"
    tail -20 "$TMP/server.log"
fi
echo
if [ ${#failed[@]} -eq 0 ]; then
    echo "PASS: mix, variants, broken passed; build_site skipped"
else
    echo "FAIL: ${failed[*]} failed"
    exit 1
fi
