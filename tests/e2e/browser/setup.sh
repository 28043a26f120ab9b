#!/bin/sh
# Prerequisites of tests/e2e/test_widgets_browser.py on a fresh machine;
# idempotent, cheap when everything is already in place.
#   - Debian's chromium (the test drives /usr/bin/chromium; no browser download)
#   - node_modules from package-lock.json (TimelineJS3 and vis-timeline dist builds, playwright-core),
#     reinstalled with `npm ci` only when missing or older than the lock file.
set -eu
cd "$(dirname "$0")"

if [ ! -x /usr/bin/chromium ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "setup.sh: installing Debian chromium" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "setup.sh: npm (Node.js) is required" >&2
    exit 1
fi

stamp=node_modules/.lock-sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup.sh: npm ci in $(pwd)" >&2
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
fi
