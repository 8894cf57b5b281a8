#!/usr/bin/env bash
# Lighthouse 12, mobile preset: the four category scores of the home page, a prisoner page
# and the donate page, against a local `make run`-like server (DEBUG on, demo content).
# Measured, never asserted in the suite (see issue 9 for the targets).
#
#   bench/lighthouse.sh                     # a throwaway SQLite database
#   DATABASE_URL=postgres://… bench/lighthouse.sh
#   LIGHTHOUSE_LANG=nl bench/lighthouse.sh  # the language prefix to measure (default nl)
#   LIGHTHOUSE_VERBOSE=1 bench/lighthouse.sh  # also list the audits below 90 and console errors
# Run it on an idle machine: the performance score follows the CPU.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
LIGHTHOUSE=${LIGHTHOUSE:-lighthouse@12.8.2}  # the version pinned in package.json
LANG_PREFIX=${LIGHTHOUSE_LANG:-nl}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
export DEBUG=1

work=$(mktemp -d)
export DATABASE_URL=${DATABASE_URL:-sqlite:///$work/lighthouse.sqlite3}
export MEDIA_ROOT=${MEDIA_ROOT:-$work/media}
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SITE_URL="http://127.0.0.1:$port"

"$PYTHON" manage.py migrate --noinput >/dev/null
"$PYTHON" manage.py load_demo >/dev/null
slug=$("$PYTHON" manage.py shell --no-imports -c \
    'from prisoners.models import Prisoner; print(Prisoner.objects.published().first().slug)' | tail -n 1)

"$PYTHON" manage.py runserver --noreload "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do
    curl -fsS -o /dev/null "$SITE_URL/healthz" 2>/dev/null && break
    sleep 0.2
done

pages=(
    "home $SITE_URL/$LANG_PREFIX/"
    "prisoner $SITE_URL/$LANG_PREFIX/prisoners/$slug/"
    "donate $SITE_URL/$LANG_PREFIX/donate/?prisoner=$slug"
)
printf '%-10s %12s %14s %15s %6s\n' page performance accessibility best-practices seo
for entry in "${pages[@]}"; do
    name=${entry%% *}
    url=${entry#* }
    npx --yes "$LIGHTHOUSE" "$url" \
        --quiet \
        --only-categories=performance,accessibility,best-practices,seo \
        --output=json --output-path="$work/$name.json" \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync" \
        >"$work/$name.log" 2>&1 || { cat "$work/$name.log" >&2; exit 1; }
    node -e '
        const r = require(process.argv[1]);
        const s = k => Math.round(r.categories[k].score * 100);
        console.log(process.argv[2].padEnd(10), String(s("performance")).padStart(12),
            String(s("accessibility")).padStart(14), String(s("best-practices")).padStart(15),
            String(s("seo")).padStart(6));
        for (const [id, a] of Object.entries(r.audits)) {
            if (id === "errors-in-console" && a.details && a.details.items.length
                && process.env.LIGHTHOUSE_VERBOSE)
                console.log("    console:", JSON.stringify(a.details.items.map(i => i.url || i.description)));
            if (a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== "informative"
                && a.scoreDisplayMode !== "manual" && a.scoreDisplayMode !== "notApplicable")
                if (process.env.LIGHTHOUSE_VERBOSE) console.log("    below 90:", id, a.displayValue || "");
        }
    ' "$work/$name.json" "$name"
done
