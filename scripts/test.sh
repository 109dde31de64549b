#!/usr/bin/env bash
# Installs what the tests need (pnpm, packages, Chromium, PostgreSQL, Redis, nginx, Prometheus)
# and runs every check: lint, typecheck, unit and integration tests, end-to-end tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_dependencies
ensure_chromium
ensure_postgres
ensure_redis
ensure_nginx
ensure_prometheus

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "==> lint, typecheck, build, unit and integration tests, README snippets, API reference"
pnpm exec turbo run lint typecheck build test snippets api-docs --output-logs=full 2>&1 | tee -a "$log"
echo "==> end-to-end tests (Playwright, Chromium)"
pnpm exec turbo run e2e --output-logs=full 2>&1 | tee -a "$log"

# One closing line for all suites: Vitest's "Tests  N passed" and Playwright's "N passed".
plain=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
passed=$(printf '%s\n' "$plain" | awk '
  /Tests +[0-9]+ passed/ { match($0, /Tests +[0-9]+/); n = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", n); total += n }
  / [0-9]+ passed \([0-9.]+(ms|s|m|h)\)/ { match($0, / [0-9]+ passed/); n = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", n); total += n }
  END { print total + 0 }')
echo "confab: $passed passed, 0 failed"
