#!/usr/bin/env bash
# The Debian 12 packages Bianmin needs beside Python, installed only when one is missing: as root or with
# passwordless sudo it installs them; otherwise it stops and prints the exact command to run.
#   bash scripts/system-deps.sh          what `make install` runs
#   bash scripts/system-deps.sh --ci     also the PostgreSQL server and CI's tools (.ci/run)
#   bash scripts/system-deps.sh --bench  also the PostgreSQL server, wrk and redis-server (`make bench`)
# BIANMIN_SKIP_SYSTEM_DEPS=1 skips the whole check (a machine managed some other way).
set -euo pipefail

[ "${BIANMIN_SKIP_SYSTEM_DEPS:-}" = "1" ] && exit 0

PACKAGES=(
    fonts-noto-cjk                                   # Chinese glyphs in PDFs, pages and screenshots
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b   # WeasyPrint (the documents' PDFs)
    libharfbuzz-subset0 libfontconfig1
    chromium                                         # the browser tests and scripts/screenshots.py
    postgresql-client                                # pg_dump / pg_restore for `manage.py backup` on PostgreSQL
    poppler-utils                                    # pdftoppm: the tests look at rendered PDFs
)
if [ "${1:-}" = "--ci" ]; then
    PACKAGES+=(postgresql fonts-liberation make git ca-certificates)
fi
if [ "${1:-}" = "--bench" ]; then
    PACKAGES+=(postgresql wrk redis-server)
fi

missing=()
for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: not a Debian system; install the equivalents of: ${missing[*]}" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=(env)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n env)
else
    echo "system-deps: missing Debian packages: ${missing[*]}" >&2
    echo "Run this once (as root), then make install again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

echo "system-deps: installing ${missing[*]}"
"${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
