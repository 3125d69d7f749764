#!/usr/bin/env bash
# Fault checks against the production server (gunicorn, scratch SQLite, a copy of content/):
#   a. 64 connections for 30 s on a mix of pages: no errors
#   b. load_content run repeatedly while the site is under load: each page all-old or all-new
#   c. a load that fails under load changes nothing
#   d. a build_site that fails leaves the previous export in place
#   e. poison: forged Host and X-Forwarded-Proto leave no foreign link for later visitors
#   f. busting: a cached page's p99 under a flood of unique query strings stays within twice
#      its p99 under the same flood without them
#
#   bash bench/faults.sh                    # about three minutes
#   FAULTS_DURATION=10 bash bench/faults.sh # shorter mix
#   FAULTS_CHECKS="poison busting" bash bench/faults.sh   # some checks only (broken needs variants)
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
export DJANGO_SITE_URL="http://127.0.0.1:$PORT"
.venv/bin/gunicorn iceinfo.wsgi -c gunicorn.conf.py --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --log-level warning >"$TMP/server.log" 2>&1 &
server=$!
$PY bench/faults.py wait || { cat "$TMP/server.log"; exit 1; }
echo "Server: gunicorn, $WORKERS sync workers, port $PORT; load: bench/loadgen.py"

failed=()
checks=${FAULTS_CHECKS:-mix variants broken poison busting}
for check in $checks; do
    echo
    echo "== $check"
    $PY bench/faults.py "$check" || failed+=("$check")
done
echo
echo "== build_site"
# A good export, then a build that fails (its database has no tables): the folder must not change.
$PY manage.py build_site --output "$TMP/site" --base-url http://127.0.0.1 >/dev/null 2>&1
before=$(cd "$TMP/site" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
if DATABASE_URL="sqlite:///$TMP/empty.sqlite3" $PY manage.py build_site --output "$TMP/site" \
        >/dev/null 2>&1; then
    echo "FAIL: build_site against an empty database succeeded"; failed+=(build_site)
else
    after=$(cd "$TMP/site" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
    if [ "$before" = "$after" ]; then
        echo "PASS: a failed build_site (exit 1) left the previous export unchanged"
    else
        echo "FAIL: a failed build_site changed the previous export"; failed+=(build_site)
    fi
fi

if [ -s "$TMP/server.log" ]; then
    echo
    echo "Server log (warnings and errors):"
    tail -20 "$TMP/server.log"
fi
echo
if [ ${#failed[@]} -eq 0 ]; then
    echo "PASS: ${checks// /, }, build_site passed"
else
    echo "FAIL: ${failed[*]} failed"
    exit 1
fi
