#!/usr/bin/env bash
# Installs what Confab needs and starts it: API + web app on one port (PORT, default 3000),
# SQLite at ./data/confab.db unless DATABASE_URL says otherwise. Prints the URL.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_dependencies
echo "==> building the web app and the API"
pnpm exec turbo run build --filter=@confab/api... --output-logs=errors-only
exec node apps/api/dist/main.js
