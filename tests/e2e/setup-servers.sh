#!/bin/sh
# Prerequisites of tests/e2e/test_proxy.py and tests/e2e/test_database_outage.py on a
# fresh machine; idempotent, cheap when everything is already in place.
#   - Debian's nginx: the proxy test runs deploy/nginx.conf with /usr/sbin/nginx
#   - PostgreSQL's server binaries: the outage test starts a private cluster with
#     initdb and pg_ctl from /usr/lib/postgresql/N/bin (never the shared server)
# Debian's packages may start their services on install; policy-rc.d stops that in
# containers, and the tests use neither service: each starts its own on a free port.
set -eu

missing=""
[ -x /usr/sbin/nginx ] || missing="nginx"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"

if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "setup-servers.sh: installing Debian $missing" >&2
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086  # one word per package
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
