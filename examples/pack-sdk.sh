#!/usr/bin/env bash
# Packs @confab/contracts, @confab/client and @confab/react into examples/sdk-tarballs/, the
# names the examples' package.json files install from (what a registry would serve them).
# Run from anywhere after building the packages (pnpm turbo run build).
set -euo pipefail
examples="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$examples/sdk-tarballs"
for name in contracts client react; do
  (cd "$examples/../packages/$name" && pnpm pack --out "$examples/sdk-tarballs/confab-$name.tgz" >/dev/null)
done
ls "$examples/sdk-tarballs"
